/**
 * Service descriptions for init: one TOML file per service in /etc/init.d, started in name order
 * subject to `depends`. Fields: command (path), args, restart ("always" | "on-failure" | "never"),
 * depends (service names), scheme (a scheme the service registers; init waits for it before
 * starting dependents), user and group (numeric uid and gid to run as; group defaults to user), if_exists / unless_exists (a path: start the
 * service only if it exists / does not exist, e.g. a disk device).
 */
import { parse } from 'smol-toml';

export type RestartPolicy = 'always' | 'on-failure' | 'never';

export interface Service {
  name: string;
  command: string;
  args: string[];
  restart: RestartPolicy;
  depends: string[];
  scheme: string | null;
  uid: number;
  gid: number;
  ifExists: string | null;
  unlessExists: string | null;
}

export function parseService(name: string, text: string): Service {
  const where = `/etc/init.d/${name}.toml`;
  let doc: Record<string, unknown>;
  try {
    doc = parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`${where}: ${(error as Error).message.split('\n')[0]}`);
  }
  const field = <T>(key: string, check: (v: unknown) => boolean, expected: string, fallback?: T): T => {
    const value = doc[key];
    if (value === undefined && fallback !== undefined) return fallback;
    if (!check(value)) throw new Error(`${where}: field '${key}' must be ${expected}`);
    return value as T;
  };
  const isString = (v: unknown): boolean => typeof v === 'string' && v.length > 0;
  const isStrings = (v: unknown): boolean => Array.isArray(v) && v.every((s) => typeof s === 'string');
  const restart = field<RestartPolicy>('restart', (v) => v === 'always' || v === 'on-failure' || v === 'never', '"always", "on-failure" or "never"', 'on-failure');
  return {
    name,
    command: field<string>('command', isString, 'a program path'),
    args: field<string[]>('args', isStrings, 'a list of strings', []),
    restart,
    depends: field<string[]>('depends', isStrings, 'a list of service names', []),
    scheme: field<string | null>('scheme', (v) => v === null || isString(v), 'a scheme name', null),
    uid: field<number>('user', (v) => Number.isInteger(v) && (v as number) >= 0, 'a numeric uid', 0),
    gid: field<number>('group', (v) => Number.isInteger(v) && (v as number) >= 0, 'a numeric gid', (doc.user as number | undefined) ?? 0),
    ifExists: field<string | null>('if_exists', (v) => v === null || isString(v), 'a path', null),
    unlessExists: field<string | null>('unless_exists', (v) => v === null || isString(v), 'a path', null),
  };
}

/** Orders services so each comes after what it depends on; names a cycle or a missing service. */
export function startOrder(services: Service[]): Service[] {
  const byName = new Map(services.map((s) => [s.name, s]));
  const ordered: Service[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (service: Service, chain: string[]): void => {
    if (state.get(service.name) === 'done') return;
    if (state.get(service.name) === 'visiting') throw new Error(`service dependency cycle: ${[...chain, service.name].join(' -> ')}`);
    state.set(service.name, 'visiting');
    for (const dep of service.depends) {
      const target = byName.get(dep);
      if (!target) throw new Error(`service ${service.name} depends on unknown service ${dep}`);
      visit(target, [...chain, service.name]);
    }
    state.set(service.name, 'done');
    ordered.push(service);
  };
  for (const service of [...services].sort((a, b) => a.name.localeCompare(b.name))) visit(service, []);
  return ordered;
}
