import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DevSettings } from './topology';

/** A process `dev up` started, enough to find it again and to tell it from a reused PID. */
export interface ProcessRecord {
  name: string;
  pid: number;
  /** argv as /proc/PID/cmdline shows it once running (after any nsenter exec). */
  argv: string[];
  /** The wrapper that execs argv (nsenter), which /proc shows for a moment after the start. */
  wrapper?: string[];
  logFile: string;
}

/**
 * DIR/state.json: what `dev up` made, read by `down` and `status`. Processes are keyed by name
 * ("etcd", "agent-2", ...) so a second `up` finds and keeps the ones still running.
 */
export interface DevState {
  version: 1;
  settings: DevSettings;
  processes: Record<string, ProcessRecord>;
}

export function stateFile(dir: string): string {
  return path.join(dir, 'state.json');
}

/** The stored state, or undefined when there is none (never started, or purged). */
export function readState(dir: string): DevState | undefined {
  let text: string;
  try {
    text = fs.readFileSync(stateFile(dir), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const parsed = JSON.parse(text) as DevState;
  return parsed.version === 1 ? parsed : undefined;
}

/** Written atomically (temp + rename) so a crash mid-write never leaves half a file. */
export function writeState(state: DevState): void {
  const file = stateFile(state.settings.dir);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(state, null, 2) + '\n');
  fs.renameSync(tmp, file);
}
