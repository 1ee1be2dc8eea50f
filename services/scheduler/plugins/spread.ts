import type { ScorePlugin } from './types';

interface SpreadState {
  /** The owner's pods per node slot. */
  counts?: ArrayLike<number>;
  /** Most of them on one feasible node. */
  max: number;
}

/**
 * Spreads replicas of one owner: a node scores by how many fewer of the owner's pods it holds
 * than the most loaded feasible node (Kubernetes' SelectorSpread, per controller).
 */
export const spread: ScorePlugin<SpreadState> = {
  name: 'SelectorSpread',
  prepare(pod, ctx) {
    const counts = pod.ownerUid ? ctx.ownerCounts(pod.ownerUid) : undefined;
    let max = 0;
    if (counts) for (const n of ctx.feasible) max = Math.max(max, counts[n.slot] ?? 0);
    return { counts, max };
  },
  score(_pod, node, { counts, max }) {
    if (!counts || max === 0) return 100;
    return (100 * (max - (counts[node.slot] ?? 0))) / max;
  },
};
