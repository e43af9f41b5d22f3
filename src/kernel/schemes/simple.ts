/**
 * The trivial device schemes: `null` (reads end, writes vanish), `zero` (reads zeros) and `rand`
 * (reads cryptographically random bytes from the host's generator).
 */
import { Errno, SysError } from '../../syscall/errno.ts';
import { S_IFCHR } from '../../syscall/flags.ts';
import { makeStat, type Stat } from '../../syscall/stat.ts';
import { SchemeBase } from '../scheme.ts';

abstract class DeviceScheme extends SchemeBase {
  open(path: string): number {
    if (path !== '') throw new SysError(Errno.ENOENT, `/scheme/${this.name}/${path}`);
    return 1;
  }
  write(_id: number, data: Uint8Array): number {
    return data.length;
  }
  fstat(): Stat {
    return makeStat({ mode: S_IFCHR | 0o666, nlink: 1 });
  }
  fpath(): string {
    return `/scheme/${this.name}`;
  }
  seek(): number {
    return 0;
  }
}

export class NullScheme extends DeviceScheme {
  readonly name = 'null';
  read(): Uint8Array {
    return new Uint8Array(0);
  }
}

export class ZeroScheme extends DeviceScheme {
  readonly name = 'zero';
  read(_id: number, count: number): Uint8Array {
    return new Uint8Array(count);
  }
}

export class RandScheme extends DeviceScheme {
  readonly name = 'rand';
  read(_id: number, count: number): Uint8Array {
    const out = new Uint8Array(count);
    for (let at = 0; at < count; at += 65536) crypto.getRandomValues(out.subarray(at, Math.min(count, at + 65536)));
    return out;
  }
}
