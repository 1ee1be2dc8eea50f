import type { ApiClient, Lease } from '../../lib/api';
import { Batcher, type Clock } from '../../lib/controller';

/** How long a renewal may wait for others to share its call (well inside the 40 s grace period). */
export const DEFAULT_LEASE_TICK_MS = 1000;

/**
 * Node Lease renewals of every node in this process, sent together through UpdateMany: a
 * renewal waits at most one tick, so a process of 1,000 hollow nodes renewing every 10 s makes
 * about one call a second instead of 100. Cadence and jitter stay the node agents'; each
 * renewal is still its own compare-and-swap with its own result (the updated Lease, or a typed
 * error such as ConflictError that the caller handles as after a single Update), so etcd sees
 * the same writes, and the apiserver far fewer calls.
 */
export class LeaseBatcher {
  private readonly batcher: Batcher<Lease>;

  constructor(client: ApiClient, o: { tickMs?: number; clock?: Clock } = {}) {
    this.batcher = new Batcher((leases) => client.updateMany('leases', leases), { maxInFlight: 2, lingerMs: o.tickMs ?? DEFAULT_LEASE_TICK_MS, clock: o.clock });
  }

  renew(lease: Lease): Promise<Lease> {
    return this.batcher.write(lease);
  }
}
