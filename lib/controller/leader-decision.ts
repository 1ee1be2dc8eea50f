import type { Lease } from '../api';

/** What a candidate should do with the lease it just read. */
export type LeaseAction = 'create' | 'renew' | 'acquire' | 'wait';

export interface ObservedLease {
  holder: string;
  renewTime: string;
  resourceVersion: string;
  /** Local time at which this candidate first saw this exact record. */
  observedAt: number;
}

/**
 * client-go's rule: a lease held by someone else counts as expired only once this candidate
 * has watched the same record stay unchanged for leaseDuration on its OWN clock (observedAt),
 * so clock skew between hosts never lets two leaders overlap.
 */
export function decideLeaseAction(lease: Lease | undefined, observed: ObservedLease | undefined, identity: string, now: number, leaseDurationMs: number): LeaseAction {
  if (!lease) return 'create';
  const holder = lease.spec?.holderIdentity ?? '';
  if (holder === identity) return 'renew';
  if (!holder) return 'acquire';
  const rv = lease.metadata?.resourceVersion ?? '';
  if (!observed || observed.resourceVersion !== rv) return 'wait';
  const duration = (lease.spec?.leaseDurationSeconds ?? 0) * 1000 || leaseDurationMs;
  return now - observed.observedAt >= duration ? 'acquire' : 'wait';
}

/** Updates the observation of a lease record: keeps observedAt while the record is unchanged. */
export function observe(lease: Lease, prev: ObservedLease | undefined, now: number): ObservedLease {
  const rv = lease.metadata?.resourceVersion ?? '';
  if (prev && prev.resourceVersion === rv) return prev;
  return { holder: lease.spec?.holderIdentity ?? '', renewTime: lease.spec?.renewTime ?? '', resourceVersion: rv, observedAt: now };
}
