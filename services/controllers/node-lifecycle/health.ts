/**
 * Node lifecycle decisions, pure. A node's heartbeat is its Lease's renewTime; staleness is
 * judged on the controller's own clock from when it last saw the lease change (observedAt), so a
 * skewed agent clock cannot make a live node look dead.
 */

export interface NodeHealthInput {
  name: string;
  /** Local time the controller last saw this node's lease change (or the node appear). */
  lastHeartbeatSeenAt: number;
  /** Current Ready condition status: "True", "False", "Unknown", "" (none). */
  ready: string;
  /** When the Ready condition last changed (ms), for the eviction timeout. */
  readySince: number;
  hasPods: boolean;
}

export interface LifecycleDecision {
  /** Nodes to mark Ready=Unknown. */
  markUnknown: string[];
  /** Nodes whose pods to delete. */
  evict: string[];
  /** Set when eviction was withheld because too many nodes are down at once. */
  evictionHalted?: { notReady: number; total: number };
}

/** The nodes that hold a pod not being deleted (one pass over the cache, per tick: no per-node index kept). */
export function nodesWithPods(pods: Iterable<{ metadata?: { deletionTimestamp: string }; spec?: { nodeName: string } }>): Set<string> {
  const out = new Set<string>();
  for (const p of pods) if (p.spec?.nodeName && !p.metadata?.deletionTimestamp) out.add(p.spec.nodeName);
  return out;
}

/** Kubernetes stops evicting when more than this share of nodes is not ready (unhealthyZoneThreshold). */
export const UNHEALTHY_THRESHOLD = 0.55;

export function decideLifecycle(nodes: readonly NodeHealthInput[], now: number, gracePeriodMs: number, evictionTimeoutMs: number): LifecycleDecision {
  const markUnknown: string[] = [];
  const notReady = new Set<string>();
  for (const n of nodes) {
    const stale = now - n.lastHeartbeatSeenAt > gracePeriodMs;
    if (stale && n.ready !== 'Unknown') markUnknown.push(n.name);
    if (stale || (n.ready !== 'True' && n.ready !== '')) notReady.add(n.name);
  }
  const candidates = nodes.filter((n) => n.hasPods && notReady.has(n.name) && n.ready !== 'True' && n.ready !== '' && now - n.readySince >= evictionTimeoutMs).map((n) => n.name);
  if (nodes.length > 0 && notReady.size / nodes.length > UNHEALTHY_THRESHOLD) {
    return { markUnknown, evict: [], evictionHalted: candidates.length ? { notReady: notReady.size, total: nodes.length } : undefined };
  }
  return { markUnknown, evict: candidates };
}
