/**
 * Event queues (Redox's event crate): watch several fds and sleep until one is ready, over the
 * `event` scheme. Records are 16 bytes: i32 fd, u32 readiness bits, f64 the caller's own data.
 */
import { O_RDWR } from '../syscall/flags.ts';
import { close, open, read, write } from './fs.ts';

export interface ReadyEvent {
  fd: number;
  ready: number;
  data: number;
}

const RECORD = 16;

export class EventQueue {
  readonly fd = open('/scheme/event', O_RDWR);

  /** Watches `fd` for `interest` (EVENT_READ | EVENT_WRITE); 0 stops watching it. */
  watch(fd: number, interest: number, data = fd): void {
    const record = new DataView(new ArrayBuffer(RECORD));
    record.setInt32(0, fd, true);
    record.setUint32(4, interest, true);
    record.setFloat64(8, data, true);
    write(this.fd, new Uint8Array(record.buffer));
  }

  /** Sleeps until at least one watched fd is ready (EINTR if a signal comes first). */
  wait(max = 16): ReadyEvent[] {
    const bytes = read(this.fd, max * RECORD);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const events: ReadyEvent[] = [];
    for (let at = 0; at + RECORD <= bytes.length; at += RECORD) {
      events.push({ fd: view.getInt32(at, true), ready: view.getUint32(at + 4, true), data: view.getFloat64(at + 8, true) });
    }
    return events;
  }

  close(): void {
    close(this.fd);
  }
}
