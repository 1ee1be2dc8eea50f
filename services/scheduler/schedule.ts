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
  const feasible: NodeInfo[] = [];
  const reasons = new Map<string, number>();
  let visited = 0;
  for (; visited < total && feasible.length < want; visited++) {
    const node = nodes[(cache.nextStartIndex + visited) % total];
    const rejected = firstRejection(pod, node, registry);
    if (!rejected) feasible.push(node);
    else for (const r of rejected) reasons.set(r, (reasons.get(r) ?? 0) + 1);
  }
  cache.nextStartIndex = total ? (cache.nextStartIndex + visited) % total : 0;
  if (feasible.length === 0) return { unschedulable: true, reasons, message: unschedulableMessage(total, reasons) };
  if (feasible.length === 1) return { node: feasible[0].name };

  const ctx: ScoreContext = { feasible, imageLayers: (k) => cache.imageLayers(k) };
  const states = registry.scores.map((s) => s.plugin.prepare?.(pod, ctx));
  let best = -Infinity;
  let ties: NodeInfo[] = [];
  for (const node of feasible) {
    let sum = 0;
    for (let i = 0; i < registry.scores.length; i++) sum += registry.scores[i].weight * registry.scores[i].plugin.score(pod, node, states[i]);
    if (sum > best + 1e-9) {
      best = sum;
      ties = [node];
    } else if (sum > best - 1e-9) ties.push(node);
  }
  return { node: ties[cache.tieBreak++ % ties.length].name };
}

function firstRejection(pod: PodFacts, node: NodeInfo, registry: Registry): readonly string[] | undefined {
  for (const f of registry.filters) {
    const r = f.fits(pod, node);
    if (r.length) return r;
  }
  return undefined;
}
