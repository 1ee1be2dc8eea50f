import { Lease, SYSTEM_NAMESPACE, type ApiClient } from '../api';
import { AlreadyExistsError, BerthError, ConflictError, NotFoundError, errorMessage } from '../errors';
import type { Logger } from '../log';
import { realClock, type Clock } from './clock';
import { decideLeaseAction, observe, type ObservedLease } from './leader-decision';

/** Thrown by `assertLeading()` once this process may no longer act as leader. */
export class NotLeaderError extends BerthError {}

export interface LeaderElectorOptions {
  client: ApiClient;
  /** Lease name in berth-system, e.g. "berth-scheduler". */
  name: string;
  identity: string;
  log: Logger;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  clock?: Clock;
}

/**
 * Leader election on a Lease object through the API, as client-go does it.
 *
 * Lifecycle: `run(onStartedLeading)` tries to acquire every retryPeriod; once it holds the
 * lease it calls onStartedLeading(signal) and renews every retryPeriod. If no renewal has
 * succeeded within renewDeadline (API unreachable, process paused), leadership ends on this
 * side: `signal` aborts and `assertLeading()` throws, before the lease (leaseDuration >
 * renewDeadline) can expire for the others. Every write of a leader-elected component passes
 * through `assertLeading()` (see `leaderGuardedClient`), so a process resumed after a pause
 * cannot write even before its timers have run. `run` resolves when leadership is lost or
 * `stop()` is called; a component then exits and is restarted (like kube-scheduler).
 */
export class LeaderElector {
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private readonly clock: Clock;
  private observed: ObservedLease | undefined;
  /** The lease as this leader last wrote it: the next renewal updates it without a read first. */
  private written: Lease | undefined;
  private lastRenew = -Infinity;
  private leading = false;
  private stopped = false;
  private wake: (() => void) | undefined;

  constructor(private readonly opts: LeaderElectorOptions) {
    this.leaseDurationMs = opts.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = opts.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = opts.retryPeriodMs ?? 2_000;
    this.clock = opts.clock ?? realClock;
    if (this.renewDeadlineMs >= this.leaseDurationMs) throw new Error('renewDeadline must be shorter than leaseDuration');
  }

  /** True while the last successful renewal is younger than renewDeadline. */
  isLeader(): boolean {
    return this.leading && this.clock.now() - this.lastRenew < this.renewDeadlineMs;
  }

  assertLeading(): void {
    if (!this.isLeader()) throw new NotLeaderError(`not the leader of ${this.opts.name}`);
  }

  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  async run(onStartedLeading: (signal: AbortSignal) => void): Promise<void> {
    const log = this.opts.log.child({ lease: this.opts.name, identity: this.opts.identity });
    while (!this.stopped && !(await this.tryAcquireOrRenew(log))) await this.sleep(this.retryPeriodMs);
    if (this.stopped) return;
    log.info('became leader');
    const ctl = new AbortController();
    this.leading = true;
    let deadline = this.clock.setTimeout(() => this.wake?.(), this.renewDeadlineMs);
    onStartedLeading(ctl.signal);
    while (!this.stopped && this.isLeader()) {
      await this.sleep(this.retryPeriodMs);
      if (this.stopped || !this.isLeader()) break;
      if (await this.tryAcquireOrRenew(log)) {
        this.clock.clearTimeout(deadline);
        deadline = this.clock.setTimeout(() => this.wake?.(), this.renewDeadlineMs);
      }
    }
    this.clock.clearTimeout(deadline);
    this.leading = false;
    ctl.abort(new NotLeaderError('leadership lost'));
    log.warn({ stopped: this.stopped }, 'stopped leading');
    if (this.stopped) await this.release(log);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const h = this.clock.setTimeout(() => done(), ms);
      const done = (): void => {
        this.clock.clearTimeout(h);
        this.wake = undefined;
        resolve();
      };
      this.wake = done;
    });
  }

  private async tryAcquireOrRenew(log: Logger): Promise<boolean> {
    const started = this.clock.now();
    const ok = this.leading && this.written ? await this.renewFast(log) : await this.acquireOrRenew(log);
    const took = this.clock.now() - started;
    // Evidence for the case where a loaded apiserver makes a leader miss its renew deadline.
    if (took > this.retryPeriodMs) log.warn({ ms: took, ok, leading: this.leading, fastPath: this.leading && !!this.written }, 'lease acquire/renew was slow');
    return ok;
  }

  /**
   * client-go's fast path: the leader updates the record it wrote last (one call, no read).
   * A Conflict means someone else wrote the lease: fall back to reading it and deciding.
   */
  private async renewFast(log: Logger): Promise<boolean> {
    const lease = this.written as Lease;
    const sent = this.clock.now();
    try {
      this.written = await this.opts.client.update('leases', { ...lease, spec: { ...(lease.spec as NonNullable<Lease['spec']>), renewTime: new Date(sent).toISOString() } });
      this.lastRenew = sent;
      return true;
    } catch (err) {
      this.written = undefined;
      if (err instanceof ConflictError) return this.acquireOrRenew(log);
      log.warn({ err: errorMessage(err) }, 'lease renew failed');
      return false;
    }
  }

  private async acquireOrRenew(log: Logger): Promise<boolean> {
    const { client, name, identity } = this.opts;
    try {
      let lease: Lease | undefined;
      try {
        lease = await client.get('leases', SYSTEM_NAMESPACE, name);
        this.observed = observe(lease, this.observed, this.clock.now());
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err;
      }
      const action = decideLeaseAction(lease, this.observed, identity, this.clock.now(), this.leaseDurationMs);
      if (action === 'wait') return false;
      const nowIso = new Date(this.clock.now()).toISOString();
      const spec = {
        holderIdentity: identity,
        leaseDurationSeconds: Math.ceil(this.leaseDurationMs / 1000),
        renewTime: nowIso,
        acquireTime: action === 'renew' ? (lease?.spec?.acquireTime ?? nowIso) : nowIso,
        leaseTransitions: (lease?.spec?.leaseTransitions ?? 0) + (action === 'acquire' ? 1 : 0),
      };
      // The renewal counts from when the write is sent (the server may commit it at once), not
      // from before the read: others time the lease from when they see this write, which is later.
      const sent = this.clock.now();
      if (action === 'create') {
        this.written = await client.create('leases', Lease.fromPartial({ metadata: { name, namespace: SYSTEM_NAMESPACE }, spec }));
      } else {
        this.written = await client.update('leases', { ...(lease as Lease), spec });
      }
      this.lastRenew = sent;
      return true;
    } catch (err) {
      if (err instanceof ConflictError || err instanceof AlreadyExistsError) return false;
      log.warn({ err: errorMessage(err) }, 'lease acquire/renew failed');
      return false;
    }
  }

  /** On a clean stop, hand the lease over at once instead of letting the standby wait it out. */
  private async release(log: Logger): Promise<void> {
    try {
      const lease = await this.opts.client.get('leases', SYSTEM_NAMESPACE, this.opts.name);
      if (lease.spec?.holderIdentity !== this.opts.identity) return;
      await this.opts.client.update('leases', { ...lease, spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1 } });
    } catch (err) {
      log.debug({ err: errorMessage(err) }, 'lease release failed');
    }
  }
}
