// Resource use of a process read from /proc: resident memory and CPU time, sampled while a
// benchmark runs so the table can say which process limits the rate.
import { readFileSync } from 'node:fs';

/** Linux reports /proc/<pid>/stat times in USER_HZ, fixed at 100 for user space. */
const USER_HZ = 100;

export interface ProcSample {
  /** Current resident set, KiB (VmRSS). */
  rssKb: number;
  /** Peak resident set since the process started, KiB (VmHWM). */
  hwmKb: number;
  /** User + system CPU seconds since the process started. */
  cpuSeconds: number;
}

/** VmRSS and VmHWM in KiB from the text of /proc/<pid>/status. */
export function parseStatusMemory(status: string): { rssKb: number; hwmKb: number } {
  const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rssKb: field('VmRSS'), hwmKb: field('VmHWM') };
}

/** utime + stime in seconds from the text of /proc/<pid>/stat (the command name may hold spaces). */
export function parseStatCpuSeconds(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After "pid (comm) ", field 3 (state) is index 0, so utime (14) and stime (15) are 11 and 12.
  return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
}

/** One sample of `pid`, or undefined once the process is gone. */
export function sampleProcess(pid: number): ProcSample | undefined {
  try {
    const mem = parseStatusMemory(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return { ...mem, cpuSeconds: parseStatCpuSeconds(readFileSync(`/proc/${pid}/stat`, 'utf8')) };
  } catch {
    return undefined;
  }
}

export interface ProcUsage {
  name: string;
  pid: number;
  /** Highest VmHWM seen, KiB. */
  peakKb: number;
  /** CPU seconds used between mark() and the last sample. */
  cpuSeconds: number;
}

/**
 * Samples named PIDs on an interval. Keeps each one's peak (VmHWM survives between samples,
 * so short spikes count) and the largest sum of current RSS over a chosen group, which is
 * what must fit in memory at one moment.
 */
export class ProcSampler {
  private readonly usage = new Map<string, ProcUsage & { cpuAtMark: number }>();
  private timer?: NodeJS.Timeout;
  peakGroupRssKb = 0;

  constructor(private readonly procs: { name: string; pid: number }[], private readonly group: string[]) {}

  start(intervalMs = 500): void {
    this.mark();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  /** Starts the CPU count (and the group peak) from now. */
  mark(): void {
    this.peakGroupRssKb = 0;
    for (const p of this.procs) {
      const s = sampleProcess(p.pid);
      this.usage.set(p.name, { name: p.name, pid: p.pid, peakKb: s?.hwmKb ?? 0, cpuSeconds: 0, cpuAtMark: s?.cpuSeconds ?? 0 });
    }
  }

  sample(): void {
    let groupRss = 0;
    for (const p of this.procs) {
      const s = sampleProcess(p.pid);
      const u = this.usage.get(p.name);
      if (!s || !u) continue;
      u.peakKb = Math.max(u.peakKb, s.hwmKb);
      u.cpuSeconds = s.cpuSeconds - u.cpuAtMark;
      if (this.group.includes(p.name)) groupRss += s.rssKb;
    }
    this.peakGroupRssKb = Math.max(this.peakGroupRssKb, groupRss);
  }

  stop(): ProcUsage[] {
    clearInterval(this.timer);
    this.sample();
    return [...this.usage.values()].map(({ name, pid, peakKb, cpuSeconds }) => ({ name, pid, peakKb, cpuSeconds }));
  }
}
