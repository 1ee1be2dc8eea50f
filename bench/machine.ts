// The host a benchmark ran on, as one line for its recorded section. "This 2-core machine" is not
// one host: the same commit measured on two sessions' machines differed 10× in a bare `crun run`
// (100 against 10 ms) and 1.6× in pods/s end to end, while in-process JavaScript differed by 7 %.
// Results from different days compare only with the host's own speed beside them, so every
// section records a few calibration timings: process spawn, a small synced write (etcd's WAL
// path), and a fixed piece of JavaScript.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { percentile } from './startup/stage-log';

export interface HostCalibration {
  /** Median ms for this process to spawn and reap /bin/true. */
  spawnMs: number;
  /** Median ms to write 4 KiB and fdatasync it, in the temp directory the test clusters use. */
  syncedWriteMs: number;
  /** Median ms of a fixed JavaScript workload (string keys in a Map, then a sort). */
  javascriptMs: number;
}

function timeEach(times: number, work: () => void): number {
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    const t = performance.now();
    work();
    ms.push(performance.now() - t);
  }
  return percentile(ms, 50);
}

function javascriptWorkload(): void {
  const m = new Map<string, number>();
  for (let i = 0; i < 100_000; i++) m.set(`pod-${i * 7919}`, i);
  const keys = [...m.keys()].sort();
  if (keys.length !== m.size) throw new Error('calibration workload lost keys');
}

/** Takes about a second; run it before the benchmark starts its processes. */
export function calibrateHost(): HostCalibration {
  const spawnMs = timeEach(20, () => {
    const r = spawnSync('/bin/true');
    if (r.status !== 0) throw new Error(`/bin/true exited ${r.status ?? r.signal}`);
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-calibrate-'));
  let syncedWriteMs: number;
  try {
    const fd = fs.openSync(path.join(dir, 'wal'), 'w');
    const block = Buffer.alloc(4096, 1);
    try {
      syncedWriteMs = timeEach(20, () => {
        fs.writeSync(fd, block);
        fs.fdatasyncSync(fd);
      });
    } finally {
      fs.closeSync(fd);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  javascriptWorkload(); // warm-up: compiled code, as the benchmarks' own hot paths are
  const javascriptMs = timeEach(5, javascriptWorkload);
  return { spawnMs, syncedWriteMs, javascriptMs };
}

export const loadAverage = (): string => os.loadavg().map((l) => l.toFixed(2)).join(' ');

/** "Node v20…, 2 cores, load average … ; host: spawn … ms, 4 KiB write + fdatasync … ms, JavaScript … ms". */
export function describeHost(c: HostCalibration, loadBefore?: string): string {
  const load = loadBefore === undefined ? `load average (1/5/15 min) ${loadAverage()} at the end` : `load average (1/5/15 min) ${loadBefore} before the run, ${loadAverage()} at the end`;
  return (
    `Node ${process.version}, ${os.cpus().length} cores, ${load}; host calibration (medians): ` +
    `spawn /bin/true ${c.spawnMs.toFixed(2)} ms, 4 KiB write + fdatasync ${c.syncedWriteMs.toFixed(2)} ms, fixed JavaScript ${c.javascriptMs.toFixed(1)} ms`
  );
}

/** Appends a section to bench/RESULTS.md (the compiled script runs from dist/bench/<name>/). */
export function recordResult(section: string): void {
  fs.appendFileSync(path.resolve(__dirname, '../../bench/RESULTS.md'), section);
}
