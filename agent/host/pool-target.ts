// How many pod sandboxes the pool keeps ready: a floor, raised to the largest burst of pod
// starts seen lately, so a node that just ran a burst has the next one's networks made ahead.
// Pure functions; the pool (sandbox-pool.ts) applies them.

export interface PoolTargetInput {
  /** Kept ready whatever the demand (`berth agent --sandbox-pool`); 0 turns the pool off. */
  floor: number;
  /** At most this many (max pods minus the pods on the node: pool + pods never exceed max pods). */
  ceiling: number;
  /** When sandboxes were asked for (ms, ascending), hits and misses alike. */
  demand: readonly number[];
  now: number;
  /** A burst: sandboxes asked for within this long of each other. */
  windowMs: number;
  /** How long a burst is remembered. */
  memoryMs: number;
}

/** The most timestamps of `times` (ascending) inside any span of `windowMs` (pure). */
export function peakInWindow(times: readonly number[], windowMs: number): number {
  let peak = 0;
  let first = 0;
  for (let last = 0; last < times.length; last++) {
    while (times[last] - times[first] >= windowMs) first++;
    peak = Math.max(peak, last - first + 1);
  }
  return peak;
}

/** The demand still remembered at `now` (pure; `demand` ascending). */
export function recentDemand(demand: readonly number[], now: number, memoryMs: number): number[] {
  const from = demand.findIndex((t) => now - t < memoryMs);
  return from < 0 ? [] : demand.slice(from);
}

/** Sandboxes to keep ready now (pure). */
export function poolTarget(i: PoolTargetInput): number {
  if (i.floor <= 0) return 0;
  const burst = peakInWindow(recentDemand(i.demand, i.now, i.memoryMs), i.windowMs);
  return Math.max(0, Math.min(i.ceiling, Math.max(i.floor, burst)));
}
