import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { waitUntil } from '../../lib/servers/process';
import { processLiveness } from './proc-identity';
import type { ProcessRecord } from './state';

export interface LaunchSpec {
  name: string;
  /** What runs (and what /proc/PID/cmdline shows). */
  argv: string[];
  /** Prepended at spawn time and replaced by exec, e.g. `nsenter --net=PATH --`. */
  wrapper?: string[];
  logFile: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * Starts a process that outlives the CLI: its own session (no SIGHUP when the terminal goes),
 * stdio to its log file, not waited for. lib/servers/process.ts `startProcess` is for processes
 * the caller owns and waits for; this is the fire-and-record variant `dev up` needs.
 */
export function launchDetached(spec: LaunchSpec): ProcessRecord {
  const out = fs.openSync(spec.logFile, 'a');
  const cmd = [...(spec.wrapper ?? []), ...spec.argv];
  try {
    const child = spawn(cmd[0] ?? '', cmd.slice(1), { stdio: ['ignore', out, out], env: spec.env ?? process.env, detached: true });
    child.on('error', () => undefined);
    child.unref();
    if (child.pid === undefined) throw new Error(`could not start ${spec.name} (${cmd[0]}): is it installed?`);
    return { name: spec.name, pid: child.pid, argv: spec.argv, wrapper: spec.wrapper, logFile: spec.logFile };
  } finally {
    fs.closeSync(out);
  }
}

/** SIGTERM, then SIGKILL after graceMs; a no-op for a process that is gone or whose PID was reused. */
export async function stopRecorded(record: ProcessRecord, graceMs = 10_000): Promise<void> {
  if (processLiveness(record) !== 'running') return;
  signal(record.pid, 'SIGTERM');
  try {
    await waitUntil(() => processLiveness(record) !== 'running', graceMs, `${record.name} to stop`, 100);
  } catch {
    signal(record.pid, 'SIGKILL');
    await waitUntil(() => processLiveness(record) !== 'running', 5_000, `${record.name} to die`, 50);
  }
}

export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}
