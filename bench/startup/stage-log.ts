import * as fs from 'node:fs';
import type { Pod } from '../../lib/api';

/** One pod's start-up stages (ms), from the agent's debug "stage timing" log lines. */
export interface StageTimings {
  uid: string;
  /** Pod creationTimestamp → the agent's first sync of it (scheduling, watch/NATS delivery, queueing). */
  delivery?: number;
  /** Epoch ms of the agent's first sync of the pod. */
  firstSyncAt?: number;
  cni?: number;
  rootfsMount?: number;
  runtimeCreate?: number;
  /** After create: waiting for the network set up meanwhile (0 when it was faster). */
  sandboxWait?: number;
  runtimeStart?: number;
  /** The status write that reported phase Running. */
  statusWrite?: number;
}

interface StageLine {
  time: number;
  uid?: string;
  stage?: string;
  ms?: number;
  phase?: string;
}

const FIELD: Record<string, keyof StageTimings> = { cni: 'cni', 'rootfs-mount': 'rootfsMount', 'runtime-create': 'runtimeCreate', 'sandbox-wait': 'sandboxWait', 'runtime-start': 'runtimeStart' };

/** Reads the pino JSON log of an agent and returns the stage timings of the given pods. */
export function readStageTimings(logFile: string, pods: Pod[]): StageTimings[] {
  const byUid = new Map<string, StageTimings>();
  const created = new Map<string, number>();
  for (const p of pods) {
    byUid.set(p.metadata!.uid, { uid: p.metadata!.uid });
    created.set(p.metadata!.uid, Date.parse(p.metadata!.creationTimestamp));
  }
  for (const text of fs.readFileSync(logFile, 'utf8').split('\n')) {
    if (!text.includes('"stage timing"')) continue;
    let line: StageLine;
    try {
      line = JSON.parse(text) as StageLine;
    } catch {
      continue;
    }
    const t = line.uid ? byUid.get(line.uid) : undefined;
    if (!t || !line.stage) continue;
    if (line.stage === 'first-sync' && t.firstSyncAt === undefined) {
      t.firstSyncAt = line.time;
      t.delivery = line.time - created.get(t.uid)!;
    }
    else if (line.stage === 'status-write' && line.phase === 'Running') t.statusWrite ??= line.ms;
    else if (FIELD[line.stage]) (t[FIELD[line.stage]] as number | undefined) ??= line.ms;
  }
  return [...byUid.values()];
}

/** Nearest-rank percentile; NaN for no values. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** The sandbox pool's latest target in an agent's log ("sandbox pool target" lines); undefined before the first. */
export function readPoolTarget(logFile: string): number | undefined {
  let target: number | undefined;
  for (const text of fs.readFileSync(logFile, 'utf8').split('\n')) {
    if (!text.includes('"sandbox pool target"')) continue;
    try {
      target = (JSON.parse(text) as { target: number }).target;
    } catch {
      // a line cut by a write in progress
    }
  }
  return target;
}
