import type { SchedulerCache } from './cache';
import type { NodeInfo } from './node-info';
import type { PodFacts } from './pod-facts';
import { DEFAULT_REGISTRY, type Registry } from './registry';
import type { ScoreContext } from './plugins/types';

export type ScheduleResult = { node: string } | { unschedulable: true; reasons: Map<string, number>; message: string };

/**
 * How many feasible nodes to find before scoring (Kubernetes' adaptive
 * percentageOfNodesToScore): all of a small cluster, down to 5% (at least 100) of a large one.
 */
export function numFeasibleNodesToFind(total: number): number {
  if (total < 100) return total;
  const pct = Math.max(5, 50 - total / 125);
  return Math.max(100, Math.floor((total * pct) / 100));
}

/** "0/3 nodes are available: 2 Insufficient memory, 1 node(s) were not ready." */
export function unschedulableMessage(total: number, reasons: Map<string, number>): string {
  const parts = [...reasons].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([r, n]) => `${n} ${r}`);
  return `0/${total} nodes are available${parts.length ? `: ${parts.join(', ')}` : ''}.`;
}

/**
 * Picks a node for a pod: filters, then weighted scores over the feasible nodes. Pure apart from
 * the cache's two rotation counters (fairness across calls); never writes to the API.
 */
export function schedule(pod: PodFacts, cache: SchedulerCache, registry: Registry = DEFAULT_REGISTRY): ScheduleResult {
  const nodes = cache.listNodes();
  const total = nodes.length;
  const want = numFeasibleNodesToFind(total);
  // Sized once and filled in place: this runs per pod over hundreds of nodes, and growing arrays
  // and boxing scores were most of the scheduler's allocation.
  const feasible: NodeInfo[] = new Array<NodeInfo>(want);
  let found = 0;
  let reasons: Map<string, number> | undefined;
  let visited = 0;
  for (; visited < total && found < want; visited++) {
    const node = nodes[(cache.nextStartIndex + visited) % total];
    const rejected = firstRejection(pod, node, registry);
    if (!rejected) feasible[found++] = node;
    else for (const r of rejected) (reasons ??= new Map()).set(r, (reasons.get(r) ?? 0) + 1);
  }
  feasible.length = found;
  cache.nextStartIndex = total ? (cache.nextStartIndex + visited) % total : 0;
  if (found === 0) {
    const why = reasons ?? new Map<string, number>();
    return { unschedulable: true, reasons: why, message: unschedulableMessage(total, why) };
  }
  if (found === 1) return { node: feasible[0].name };

  const ctx: ScoreContext = { feasible, imageLayers: (k) => cache.imageLayers(k), ownerCounts: (uid) => cache.ownerCounts(uid) };
  const states = registry.scores.map((s) => s.plugin.prepare?.(pod, ctx));
  const sums = new Float64Array(found);
  let best = -Infinity;
  for (let n = 0; n < found; n++) {
    let sum = 0;
    for (let i = 0; i < registry.scores.length; i++) sum += registry.scores[i].weight * registry.scores[i].plugin.score(pod, feasible[n], states[i]);
    sums[n] = sum;
    if (sum > best) best = sum;
  }
  // Equally good nodes (within rounding) take turns.
  let ties = 0;
  for (let n = 0; n < found; n++) if (sums[n] > best - 1e-9) ties++;
  let pick = cache.tieBreak++ % ties;
  let n = 0;
  for (; n < found; n++) if (sums[n] > best - 1e-9 && pick-- === 0) break;
  return { node: feasible[n].name };
}

function firstRejection(pod: PodFacts, node: NodeInfo, registry: Registry): readonly string[] | undefined {
  for (const f of registry.filters) {
    const r = f.fits(pod, node);
    if (r.length) return r;
  }
  return undefined;
}
