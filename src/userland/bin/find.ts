/**
 * find: search a directory tree. Tests -name -iname -path -type -empty -size -newer; operators
 * ! -not -a -and -o -or ( ); options -maxdepth -mindepth -depth; actions -print -print0 -exec
 * (`;` and `+`) -delete -prune. Without an action, matching paths are printed.
 */
import { environ, isDirectory, lstat, readdir, stdout } from '../../libc/index.ts';
import { fail, usageError, usageText, type Spec } from '../lib/args.ts';
import { type Node, Parser, type Visit } from './_find_expr.ts';
import { joinPath } from './_io.ts';
import { runCommand } from './_system.ts';

const SPEC: Spec = {
  name: 'find',
  usage: '[PATH]... [EXPRESSION]',
  about: 'Walk each PATH (default .) and evaluate EXPRESSION on every file: tests -name -iname -path -type -empty -size -newer, operators ! -a -o ( ), options -maxdepth -mindepth -depth, actions -print -print0 -exec -delete -prune.',
};

export function main(args: string[]): number {
  if (args[1] === '--help') {
    stdout.write(usageText(SPEC));
    return 0;
  }
  let first = 1;
  while (first < args.length && !/^[-!(]/.test(args[first]!)) first++;
  const paths = first > 1 ? args.slice(1, first) : ['.'];
  const parser = new Parser(args.slice(first));
  let expr: Node;
  try {
    expr = first < args.length ? parser.or() : () => true;
    if (parser.pos < args.length - first) throw new Error(`unexpected '${args[first + parser.pos]}'`);
  } catch (error) {
    return usageError(SPEC, error instanceof Error ? error.message : String(error));
  }
  const print: Node = (v) => {
    stdout.write(v.path + '\n');
    return true;
  };
  const test: Node = parser.hasAction ? expr : (v) => expr(v) && print(v);
  let status = 0;
  const walk = (path: string, depth: number): void => {
    let visit: Visit;
    try {
      visit = { path, depth, st: lstat(path), prune: false };
    } catch (error) {
      status = fail('find', `'${path}'`, error);
      return;
    }
    const evaluate = (): void => {
      if (depth < parser.minDepth) return;
      try {
        test(visit);
      } catch (error) {
        status = fail('find', `'${path}'`, error);
      }
    };
    if (!parser.depthFirst) evaluate();
    if (isDirectory(visit.st) && depth < parser.maxDepth && !visit.prune) {
      try {
        for (const name of readdir(path).map((d) => d.name).filter((n) => n !== '.' && n !== '..').sort()) walk(joinPath(path, name), depth + 1);
      } catch (error) {
        status = fail('find', `'${path}'`, error);
      }
    }
    if (parser.depthFirst) evaluate();
  };
  for (const path of paths) walk(path, 0);
  for (const batch of parser.batches) {
    if (batch.paths.length === 0) continue;
    stdout.flush();
    if (runCommand([...batch.argv, ...batch.paths], environ.PATH) !== 0) status = 1;
  }
  return status;
}
