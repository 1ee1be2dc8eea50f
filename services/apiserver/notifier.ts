import { connect, type NatsConnection } from 'nats';
import type { Counter } from 'prom-client';
import { kindSubject, nodePodsSubject, type ChangeNotice } from '../../lib/api/subjects';
import type { Logger } from '../../lib/log';

/** Publishes change notices; the domain store sees only this interface. */
export interface ChangeNotifier {
  notify(notice: ChangeNotice): void;
  close(): Promise<void>;
}

/** Notices published together at most this often (ms). */
const NOTICE_BATCH_MS = 5;

/** The subjects a notice goes to: its kind's, plus the node's for a pod bound to one. */
export function noticeSubjects(n: ChangeNotice): string[] {
  const subjects = [kindSubject(n.kind, n.namespace)];
  if (n.kind === 'pods' && n.node) subjects.push(nodePodsSubject(n.node));
  return subjects;
}

/**
 * NATS publisher that never blocks writes: while NATS is unreachable notices are dropped
 * (counted, logged once per outage), since every consumer also resyncs by List/Watch. The
 * client reconnects forever, including on the first connect.
 */
export class NatsNotifier implements ChangeNotifier {
  private nc: NatsConnection | undefined;
  private up = false;
  private outageLogged = false;
  private closed = false;
  private readonly encoder = new TextEncoder();
  /** Notices waiting to be published together. */
  private pending: ChangeNotice[] = [];
  private lastPublish = -Infinity;

  constructor(
    url: string,
    private readonly dropped: Counter,
    private readonly log: Logger,
  ) {
    void this.connect(url);
  }

  private async connect(url: string): Promise<void> {
    try {
      const nc = await connect({ servers: url, maxReconnectAttempts: -1, waitOnFirstConnect: true, reconnectTimeWait: 500, pingInterval: 5_000, name: 'berth-apiserver' });
      if (this.closed) {
        await nc.close();
        return;
      }
      this.nc = nc;
      this.setUp(true);
      for await (const s of nc.status()) {
        if (s.type === 'disconnect') this.setUp(false);
        else if (s.type === 'reconnect') this.setUp(true);
      }
    } catch (err) {
      if (!this.closed) this.log.error({ err }, 'NATS connection ended; change notices stay off until restart');
    }
  }

  private setUp(up: boolean): void {
    this.up = up;
    if (up) {
      if (this.outageLogged) this.log.info('NATS reachable again: change notices flow');
      this.outageLogged = false;
    }
  }

  /**
   * Queues the notice. The nats client writes to its socket once per microtask checkpoint,
   * and commits complete in separate I/O callbacks, so publishing each at once cost a socket
   * write per notice: the largest single cost in the apiserver's profile at scale (4.7 of 24
   * CPU-s for 10,000 pods; a loopback write also runs the receiver's side in the syscall).
   * Notices go out at the end of the loop turn when the last batch left over
   * NOTICE_BATCH_MS ago (no delay when quiet), else when that much time has passed: at most
   * 1,000 / NOTICE_BATCH_MS socket writes per second however many commits there are.
   */
  notify(notice: ChangeNotice): void {
    this.pending.push(notice);
    if (this.pending.length > 1) return;
    const wait = this.lastPublish + NOTICE_BATCH_MS - performance.now();
    if (wait > 0) setTimeout(() => this.publishPending(), wait);
    else setImmediate(() => this.publishPending());
  }

  private publishPending(): void {
    const notices = this.pending;
    if (notices.length === 0) return;
    this.pending = [];
    this.lastPublish = performance.now();
    if (!this.up || !this.nc || this.nc.isClosed()) {
      this.dropped.inc(notices.reduce((n, notice) => n + noticeSubjects(notice).length, 0));
      if (!this.outageLogged) {
        this.outageLogged = true;
        this.log.warn('NATS unreachable: dropping change notices until it returns (watchers still see every change)');
      }
      return;
    }
    for (const notice of notices) {
      const payload = this.encoder.encode(JSON.stringify(notice));
      for (const subject of noticeSubjects(notice)) this.nc.publish(subject, payload);
    }
  }

  async close(): Promise<void> {
    if (this.pending.length > 0) this.publishPending();
    this.closed = true;
    if (this.nc && !this.nc.isClosed()) await this.nc.close();
  }
}
