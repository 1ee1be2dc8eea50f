// Which apiserver and namespace a command talks to: --server, then BERTH_SERVER, then the
// current context of BERTH_CONFIG / ~/.berth/config.
import type { Command } from 'commander';
import { ApiClient } from '../lib/api/client';
import { BadRequestError, UnavailableError } from '../lib/errors';
import { UnreachableError } from './errors';
import { configPath, currentContext, readConfig, type BerthConfig } from '../lib/config/config';

export class NoServerError extends BadRequestError {}

export interface ConnectionFlags {
  server?: string;
  namespace?: string;
}

export interface Target {
  server: string;
  /** The namespace to use when none is given: -n, else the context's, else "default". */
  namespace: string;
}

/** Pure: resolves the target from flags, environment and config. */
export function resolveTarget(flags: ConnectionFlags, env: NodeJS.ProcessEnv, cfg: BerthConfig): Target {
  const ctx = currentContext(cfg);
  const server = flags.server || env.BERTH_SERVER || ctx?.server;
  if (!server) {
    throw new NoServerError(`no berth apiserver configured (--server, BERTH_SERVER or a context in ${configPath(env)}): is a cluster running? Start one with 'berth dev up'`);
  }
  return { server, namespace: flags.namespace || ctx?.namespace || 'default' };
}

/** Adds --server and -n/--namespace to a command. */
export function withConnectionOptions(cmd: Command): Command {
  return cmd.option('--server <host:port>', 'the berth apiserver (default: $BERTH_SERVER or the current context)').option('-n, --namespace <ns>', 'namespace (default: the context\'s, else "default")');
}

export interface Session {
  client: ApiClient;
  target: Target;
}

/** Runs `fn` with a client for the resolved target and closes it afterwards. */
export async function withSession<T>(flags: ConnectionFlags, fn: (s: Session) => Promise<T>): Promise<T> {
  const target = resolveTarget(flags, process.env, await readConfig(configPath()));
  const client = new ApiClient(target.server);
  try {
    return await fn({ client, target });
  } catch (err) {
    throw err instanceof UnavailableError && !(err instanceof UnreachableError) ? new UnreachableError(target.server, err) : err;
  } finally {
    client.close();
  }
}
