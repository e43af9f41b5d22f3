/**
 * Running a build tool for a template: asynchronously (so independent recipes really build side
 * by side), its output appended to the recipe's log, a failure reported with the tool's last
 * lines of output.
 */
import { spawn, spawnSync } from 'node:child_process';
import { TemplateError } from './types.ts';

export interface RunOptions {
  cwd: string;
  env?: Record<string, string>;
  log(text: string): void;
}

export function runTool(what: string, command: string, args: string[], options: RunOptions): Promise<void> {
  options.log(`$ ${[command, ...args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ')}`);
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const take = (chunk: Buffer): void => {
      const text = chunk.toString('utf8');
      options.log(text.replace(/\n$/, ''));
      tail = (tail + text).slice(-2000);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', (err) => fail(new TemplateError(`${what}: cannot run ${command}: ${err.message}`)));
    child.on('close', (code, signal) => {
      if (code === 0) done();
      else fail(new TemplateError(`${what}: ${command} failed (${signal ?? `exit status ${code}`})${tail ? `:\n${tail.trimEnd()}` : ''}`));
    });
  });
}

/** Whether `command` can be run at all (found on PATH and executable). */
export function toolExists(command: string): boolean {
  const probe = spawnSync(command, ['--version'], { stdio: 'ignore' });
  return probe.error === undefined;
}
