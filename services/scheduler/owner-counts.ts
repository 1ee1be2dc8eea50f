/**
 * Pods per (controlling owner, node), for spreading replicas: one typed array per owner,
 * indexed by the node's slot in the scheduler cache. Spread scoring reads this for every
 * feasible node of every pod; an array read replaced a Map lookup by owner uid per node, the
 * scheduler's top cost at 30,000 pods.
 */
export class OwnerCounts {
  private readonly byOwner = new Map<string, { counts: Uint16Array; total: number }>();

  add(owner: string, slot: number, delta: number): void {
    let e = this.byOwner.get(owner);
    if (!e) this.byOwner.set(owner, (e = { counts: new Uint16Array(Math.max(64, slot + 1)), total: 0 }));
    if (slot >= e.counts.length) {
      const grown = new Uint16Array(Math.max(slot + 1, e.counts.length * 2));
      grown.set(e.counts);
      e.counts = grown;
    }
    e.counts[slot] += delta;
    e.total += delta;
    // An owner without pods (a deleted ReplicaSet) keeps no array.
    if (e.total <= 0) this.byOwner.delete(owner);
  }

  /** Counts by node slot (absent: the owner has no pods); read-only. */
  of(owner: string): ArrayLike<number> | undefined {
    return this.byOwner.get(owner)?.counts;
  }
}
