import * as fs from 'node:fs';
import type { ProcessRecord } from './state';

export type ProcessLiveness = 'running' | 'gone' | 'reused';

/** /proc/PID/cmdline is NUL-separated with a trailing NUL. */
export function parseCmdline(raw: string): string[] {
  const parts = raw.split('\0');
  if (parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/**
 * Whether the recorded process still runs: the PID exists AND runs the recorded argv. A PID
 * that now runs something else was reused after ours died (after a reboot or a crash).
 */
export function classifyProcess(record: Pick<ProcessRecord, 'argv' | 'wrapper'>, cmdline: string[] | undefined): ProcessLiveness {
  if (cmdline === undefined) return 'gone';
  // A zombie or kernel thread has an empty cmdline: ours is gone either way.
  if (cmdline.length === 0) return 'gone';
  const equal = (want: string[]) => cmdline.length === want.length && cmdline.every((a, i) => a === want[i]);
  // Between spawn and exec the wrapper (nsenter) still shows its own argv.
  const ours = equal(record.argv) || (record.wrapper !== undefined && equal([...record.wrapper, ...record.argv]));
  return ours ? 'running' : 'reused';
}

export function readCmdline(pid: number): string[] | undefined {
  try {
    return parseCmdline(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return undefined;
  }
}

export function processLiveness(record: ProcessRecord): ProcessLiveness {
  return classifyProcess(record, readCmdline(record.pid));
}
