import type { ScorePlugin } from './types';

/**
 * Spreads replicas of one owner: a node scores by how many fewer of the owner's pods it holds
 * than the most loaded feasible node (Kubernetes' SelectorSpread, per controller).
 */
export const spread: ScorePlugin<number> = {
  name: 'SelectorSpread',
  prepare(pod, ctx) {
    if (!pod.ownerUid) return 0;
    let max = 0;
    for (const n of ctx.feasible) max = Math.max(max, n.ownerCounts.get(pod.ownerUid) ?? 0);
    return max;
  },
  score(pod, node, max) {
    if (!pod.ownerUid || max === 0) return 100;
    return (100 * (max - (node.ownerCounts.get(pod.ownerUid) ?? 0))) / max;
  },
};
