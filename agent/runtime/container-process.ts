import type { Container } from '../../lib/api/types';

/** The parts of an OCI image config (`config` object) that shape a container's process. */
export interface ImageConfig {
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  Env?: string[] | null;
  WorkingDir?: string;
  User?: string;
  ExposedPorts?: Record<string, object>;
}

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * Kubernetes' $(VAR) expansion: `$(NAME)` becomes the value when NAME is defined and stays
 * literally as written otherwise; `$$` escapes to a single `$`.
 */
export function expandVars(input: string, vars: ReadonlyMap<string, string>): string {
  return input.replace(/\$\$|\$\(([^)]*)\)/g, (match, name: string | undefined) => {
    if (match === '$$') return '$';
    return name !== undefined && vars.has(name) ? (vars.get(name) as string) : match;
  });
}

/**
 * The container's own env in order, each value expanded against the ones before it
 * (Kubernetes semantics; the image env is not visible to the expansion).
 */
export function containerEnvVars(container: Pick<Container, 'env'>): Map<string, string> {
  const vars = new Map<string, string>();
  for (const e of container.env) vars.set(e.name, expandVars(e.value, vars));
  return vars;
}

/**
 * The process args by Kubernetes' rules: no command and no args → image Entrypoint + Cmd;
 * command given → command + args (the image's both ignored); only args → Entrypoint + args.
 * command and args are $(VAR)-expanded with the container's env.
 */
export function processArgs(container: Pick<Container, 'command' | 'args'>, image: ImageConfig, vars: ReadonlyMap<string, string>): string[] {
  const command = container.command.map((c) => expandVars(c, vars));
  const args = container.args.map((a) => expandVars(a, vars));
  const entrypoint = image.Entrypoint ?? [];
  const cmd = image.Cmd ?? [];
  if (command.length === 0 && args.length === 0) return [...entrypoint, ...cmd];
  if (command.length > 0) return [...command, ...args];
  return [...entrypoint, ...args];
}

/**
 * Image env, then the defaults the container gets from the runtime (HOSTNAME, HOME), then the
 * container env; a later definition of a name wins but keeps the first one's position.
 * PATH defaults to the usual Linux search path when nobody sets it.
 */
export function mergeEnv(imageEnv: readonly string[], containerVars: ReadonlyMap<string, string>, defaults: Record<string, string>): string[] {
  const merged = new Map<string, string>();
  const set = (name: string, value: string): void => void merged.set(name, value);
  for (const kv of imageEnv) {
    const i = kv.indexOf('=');
    if (i > 0) set(kv.slice(0, i), kv.slice(i + 1));
  }
  for (const [k, v] of Object.entries(defaults)) if (!merged.has(k)) set(k, v);
  for (const [k, v] of containerVars) set(k, v);
  if (!merged.has('PATH')) set('PATH', DEFAULT_PATH);
  return [...merged].map(([k, v]) => `${k}=${v}`);
}
