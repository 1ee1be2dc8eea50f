// The CLI's cluster configuration, shaped like a kubeconfig:
//   current-context: berth-dev
//   contexts: [{name: berth-dev, server: 127.0.0.1:7443, namespace: default}]
// Pure functions edit a config value; readConfig/writeConfig and the file helpers do the I/O.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { BadRequestError, NotFoundError } from '../errors';

export interface Context {
  name: string;
  /** host:port of the apiserver's gRPC endpoint. */
  server: string;
  namespace?: string;
}

export interface BerthConfig {
  currentContext?: string;
  contexts: Context[];
}

export class InvalidConfigError extends BadRequestError {}

/** BERTH_CONFIG, else ~/.berth/config. */
export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.BERTH_CONFIG || path.join(os.homedir(), '.berth', 'config');
}

/** Parses config text (YAML). Throws InvalidConfigError naming the file. */
export function parseConfig(text: string, file: string): BerthConfig {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (err) {
    throw new InvalidConfigError(`${file}: invalid YAML: ${(err as Error).message.split('\n')[0]}`, { cause: err });
  }
  if (raw === null || raw === undefined) return { contexts: [] };
  const r = raw as { 'current-context'?: unknown; contexts?: unknown };
  if (typeof raw !== 'object' || (r.contexts !== undefined && !Array.isArray(r.contexts))) throw new InvalidConfigError(`${file}: expected "contexts:" to be a list`);
  const contexts = ((r.contexts as unknown[]) ?? []).map((c, i) => {
    const ctx = c as Partial<Context> | null;
    if (!ctx || typeof ctx.name !== 'string' || typeof ctx.server !== 'string') throw new InvalidConfigError(`${file}: contexts[${i}] needs a name and a server`);
    return { name: ctx.name, server: ctx.server, ...(typeof ctx.namespace === 'string' && ctx.namespace ? { namespace: ctx.namespace } : {}) };
  });
  const current = typeof r['current-context'] === 'string' && r['current-context'] ? r['current-context'] : undefined;
  return { currentContext: current, contexts };
}

export function formatConfig(cfg: BerthConfig): string {
  return stringify({ ...(cfg.currentContext ? { 'current-context': cfg.currentContext } : {}), contexts: cfg.contexts });
}

/** The current context, if any is set and exists. */
export function currentContext(cfg: BerthConfig): Context | undefined {
  return cfg.contexts.find((c) => c.name === cfg.currentContext);
}

/** Adds or replaces a context (by name); makes it current when asked or when none is. */
export function withContext(cfg: BerthConfig, ctx: Context, makeCurrent = false): BerthConfig {
  const contexts = cfg.contexts.some((c) => c.name === ctx.name) ? cfg.contexts.map((c) => (c.name === ctx.name ? ctx : c)) : [...cfg.contexts, ctx];
  return { contexts, currentContext: makeCurrent || !currentContext(cfg) ? ctx.name : cfg.currentContext };
}

/** Removes a context; clears current-context if it was that one. */
export function withoutContext(cfg: BerthConfig, name: string): BerthConfig {
  return { contexts: cfg.contexts.filter((c) => c.name !== name), currentContext: cfg.currentContext === name ? undefined : cfg.currentContext };
}

/** Makes an existing context current. Throws NotFoundError if there is none of that name. */
export function withCurrentContext(cfg: BerthConfig, name: string): BerthConfig {
  if (!cfg.contexts.some((c) => c.name === name)) throw new NotFoundError(`no context named "${name}"`);
  return { ...cfg, currentContext: name };
}

/** Reads the config file; a missing file is an empty config. */
export async function readConfig(file = configPath()): Promise<BerthConfig> {
  try {
    return parseConfig(await fs.readFile(file, 'utf8'), file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { contexts: [] };
    throw err;
  }
}

/** Writes atomically (temp file + rename), creating the directory. */
export async function writeConfig(cfg: BerthConfig, file = configPath()): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(tmp, formatConfig(cfg), { mode: 0o600 });
  await fs.rename(tmp, file);
}

async function update(file: string, change: (cfg: BerthConfig) => BerthConfig): Promise<BerthConfig> {
  const next = change(await readConfig(file));
  await writeConfig(next, file);
  return next;
}

/** Adds or replaces a context in the config file (`berth dev up` uses this). */
export function addContext(ctx: Context, opts: { makeCurrent?: boolean; file?: string } = {}): Promise<BerthConfig> {
  return update(opts.file ?? configPath(), (cfg) => withContext(cfg, ctx, opts.makeCurrent ?? true));
}

/** Removes a context from the config file (`berth dev down --purge` uses this). */
export function removeContext(name: string, opts: { file?: string } = {}): Promise<BerthConfig> {
  return update(opts.file ?? configPath(), (cfg) => withoutContext(cfg, name));
}

/** Makes a context current in the config file. */
export function useContext(name: string, opts: { file?: string } = {}): Promise<BerthConfig> {
  return update(opts.file ?? configPath(), (cfg) => withCurrentContext(cfg, name));
}
