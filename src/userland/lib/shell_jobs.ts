/**
 * Job control for the interactive shell on a pty: each foreground command's processes get their
 * own process group, which becomes the terminal's foreground group while the shell waits; a job
 * stopped by ^Z (SIGTSTP) is kept in the job table, and `jobs`, `fg` and `bg` list, resume in the
 * foreground, and resume in the background. Off (every process in the shell's group) unless the
 * shell is interactive on a terminal whose foreground group it can set.
 */
import {
  Errno, SIGCONT, SIGTSTP, SIGTTIN, SIGTTOU, SysError, WIFSTOPPED, WNOHANG, WUNTRACED, getpgid, getpid, kill, setpgid, shellStatus,
  signal, tcsetpgrp, waitpid,
} from '../../libc/index.ts';

export interface Job {
  id: number;
  pgid: number;
  /** Processes of the job not yet reaped, and the one whose status is the job's. */
  pids: number[];
  last: number;
  text: string;
  state: 'running' | 'stopped' | 'done';
  status: number;
}

export class JobControl {
  enabled = false;
  jobs: Job[] = [];
  private shellPgid = 0;
  /** The process group of the foreground command being started (null: none yet). */
  foreground: number | null = null;
  /** Text of the command line being run (for the job table). */
  text = '';

  /** Turns job control on when fd 0 is a terminal whose foreground group can be set. */
  enable(): void {
    try {
      try {
        setpgid(0, 0);
      } catch {
        // already a group leader
      }
      this.shellPgid = getpgid(0);
      tcsetpgrp(0, this.shellPgid);
      for (const sig of [SIGTSTP, SIGTTIN, SIGTTOU]) signal(sig, () => undefined);
      this.enabled = true;
    } catch {
      this.enabled = false;
    }
  }

  /** The spawn option for a new process of the command being started. */
  pgidFor(background: boolean): number | undefined {
    if (!this.enabled) return undefined;
    return background ? 0 : this.foreground ?? 0;
  }

  /** Records a spawned foreground process: the first one leads the group and gets the terminal. */
  spawned(pid: number, background: boolean): void {
    if (!this.enabled || background || this.foreground !== null) return;
    this.foreground = pid;
    try {
      tcsetpgrp(0, pid);
    } catch {
      // the terminal went away
    }
  }

  /** After a top-level command: the terminal comes back to the shell. */
  done(): void {
    if (!this.enabled) return;
    this.foreground = null;
    try {
      tcsetpgrp(0, this.shellPgid);
    } catch {
      // the terminal went away
    }
  }

  /** Waits for a foreground process; a stop puts it in the job table. Returns the shell status. */
  wait(pid: number): number | null {
    if (!this.enabled || this.foreground === null) return null;
    const { status } = waitpid(pid, WUNTRACED);
    if (!WIFSTOPPED(status)) return shellStatus(status);
    const pgid = this.foreground;
    let job = this.jobs.find((j) => j.pgid === pgid && j.state !== 'done');
    if (!job) {
      job = { id: this.nextId(), pgid, pids: [], last: pid, text: this.text, state: 'stopped', status: 0 };
      this.jobs.push(job);
    }
    job.pids.push(pid);
    job.last = pid;
    if (job.pids.length === 1) this.report(job, 'Stopped');
    return shellStatus(status);
  }

  /** A background job started with `&`. */
  background(pid: number, text: string): void {
    if (!this.enabled) return;
    const job: Job = { id: this.nextId(), pgid: pid, pids: [pid], last: pid, text, state: 'running', status: 0 };
    this.jobs.push(job);
  }

  private nextId(): number {
    return this.jobs.reduce((n, j) => Math.max(n, j.id), 0) + 1;
  }

  private report(job: Job, what: string): void {
    this.out(`\n[${job.id}]+  ${what.padEnd(24)}${job.text}\n`);
  }

  out: (text: string) => void = () => undefined;

  /** Reaps finished jobs without blocking. */
  poll(): void {
    for (const job of this.jobs) {
      if (job.state === 'done') continue;
      job.pids = job.pids.filter((pid) => {
        try {
          const r = waitpid(pid, WNOHANG | WUNTRACED);
          if (r.pid === 0 || WIFSTOPPED(r.status)) return true;
          if (pid === job.last) job.status = shellStatus(r.status);
          return false;
        } catch {
          return false;
        }
      });
      if (job.pids.length === 0) job.state = 'done';
    }
  }

  find(spec: string | undefined): Job | undefined {
    const live = this.jobs.filter((j) => j.state !== 'done');
    if (spec === undefined || spec === '%%' || spec === '%+') return live[live.length - 1];
    const n = Number(spec.replace(/^%/, ''));
    return live.find((j) => j.id === n);
  }

  /** `fg`: the job gets the terminal and SIGCONT; waits until it ends or stops again. */
  foregroundJob(job: Job): number {
    this.out(`${job.text}\n`);
    this.foreground = job.pgid;
    try {
      tcsetpgrp(0, job.pgid);
    } catch {
      // no terminal
    }
    job.state = 'running';
    kill(-job.pgid, SIGCONT);
    let status = 0;
    try {
      for (const pid of [...job.pids]) {
        for (;;) {
          try {
            const r = waitpid(pid, WUNTRACED);
            if (WIFSTOPPED(r.status)) {
              job.state = 'stopped';
              this.report(job, 'Stopped');
              return shellStatus(r.status);
            }
            if (pid === job.last) status = shellStatus(r.status);
            job.pids = job.pids.filter((p) => p !== pid);
            break;
          } catch (error) {
            if (error instanceof SysError && error.errno === Errno.EINTR) continue;
            if (error instanceof SysError && error.errno === Errno.ECHILD) break;
            throw error;
          }
        }
      }
      job.state = 'done';
      return status;
    } finally {
      this.done();
    }
  }

  /** `bg`: SIGCONT without the terminal. */
  backgroundJob(job: Job): void {
    job.state = 'running';
    kill(-job.pgid, SIGCONT);
    this.out(`[${job.id}] ${job.text} &\n`);
  }

  /** `jobs`: the table, then finished jobs are forgotten. */
  list(): string {
    this.poll();
    const text = this.jobs.map((j) => `[${j.id}]  ${(j.state === 'done' ? `Done${j.status ? `(${j.status})` : ''}` : j.state === 'stopped' ? 'Stopped' : 'Running').padEnd(24)}${j.text}\n`).join('');
    this.jobs = this.jobs.filter((j) => j.state !== 'done');
    return text;
  }

  get shellPid(): number {
    return getpid();
  }
}
