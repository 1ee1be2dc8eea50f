import * as fs from 'node:fs';
import type { ProcessRecord } from './state';

export type ProcessLiveness = 'running' | 'gone' | 'reused';

/** What /proc says about a PID: its argv and, from /proc/PID/stat, its state letter and flags. */
export interface ProcSnapshot {
  cmdline: string[];
  state: string;
  flags: number;
}

const PF_KTHREAD = 0x00200000;

/** /proc/PID/cmdline is NUL-separated with a trailing NUL. */
export function parseCmdline(raw: string): string[] {
  const parts = raw.split('\0');
  if (parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** State and flags from /proc/PID/stat (the command name in parentheses may hold spaces). */
export function parseStat(raw: string): { state: string; flags: number } {
  const fields = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0] ?? '', flags: Number(fields[6] ?? 0) };
}

/**
 * Whether the recorded process still runs: the PID exists AND runs the recorded argv. A PID
 * that now runs something else was reused after ours died (after a reboot or a crash).
 */
export function classifyProcess(record: Pick<ProcessRecord, 'argv' | 'wrapper'>, proc: ProcSnapshot | undefined): ProcessLiveness {
  if (proc === undefined || proc.state === 'Z' || proc.state === 'X') return 'gone';
  if ((proc.flags & PF_KTHREAD) !== 0) return 'reused';
  // Inside execve the argv reads empty for a moment: a process we just started, not a dead one.
  if (proc.cmdline.length === 0) return 'running';
  const equal = (want: string[]) => proc.cmdline.length === want.length && proc.cmdline.every((a, i) => a === want[i]);
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

export function readProc(pid: number): ProcSnapshot | undefined {
  try {
    const stat = parseStat(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
    return { cmdline: parseCmdline(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8')), ...stat };
  } catch {
    return undefined;
  }
}

export function processLiveness(record: ProcessRecord): ProcessLiveness {
  return classifyProcess(record, readProc(record.pid));
}
