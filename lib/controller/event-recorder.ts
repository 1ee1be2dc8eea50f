import { createHash } from 'node:crypto';
import { Event, KINDS, type ApiClient, type KindName, type ObjectMeta } from '../api';
import { ConflictError, NotFoundError, errorMessage } from '../errors';
import type { Logger } from '../log';
import { Batcher } from './batcher';
import { realClock, type Clock } from './clock';

export type EventType = 'Normal' | 'Warning';

/** What an event names of its object: any API object, or a cache's projection of one. */
export interface EventSubject {
  metadata?: Pick<ObjectMeta, 'name' | 'namespace' | 'uid'>;
}

export interface EventRecorderOptions {
  /**
   * Serial lanes (events of one object, reason and message stay in order). New events of all
   * lanes share CreateMany calls, at most 2 in flight. Default 64.
   */
  concurrency?: number;
  /** Events waiting to be written beyond which new ones are dropped (client-go drops too). Default 1000. */
  maxPending?: number;
}

/** Which of `n` serial lanes a dedupe key writes through (same key, same lane: no duplicate creates). */
export function laneOf(key: string, n: number): number {
  // FNV-1a: a multiplier of 31 maps keys that differ in two places to few lanes modulo powers of two.
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h >>> 0) % n;
}

/**
 * Records Events about objects. One Event per (object, type, reason, message): repeats bump
 * its count and lastTimestamp instead of creating new objects (Kubernetes' event correlation).
 * Recording never throws and never blocks the caller; failures are logged. Writes go through
 * serial lanes, and new events of all lanes share CreateMany calls; when the apiserver falls
 * behind, at most `maxPending` events wait and the rest are dropped and counted, so a busy
 * node's events cannot grow without bound (client-go's broadcaster drops when its queue is
 * full, for the same reason).
 */
export class EventRecorder {
  private readonly known = new Map<string, Event>();
  private readonly lanes: Promise<void>[];
  private readonly creates: Batcher<Event>;
  private readonly maxPending: number;
  private pending = 0;
  /** Events dropped because too many were waiting. */
  dropped = 0;

  constructor(
    private readonly client: ApiClient,
    private readonly component: string,
    private readonly log: Logger,
    private readonly clock: Clock = realClock,
    opts: EventRecorderOptions = {},
  ) {
    this.lanes = Array.from({ length: Math.max(1, opts.concurrency ?? 64) }, () => Promise.resolve());
    this.creates = new Batcher((events) => client.createMany('events', events), { maxInFlight: 2 });
    this.maxPending = opts.maxPending ?? 1000;
  }

  record(kind: KindName, obj: EventSubject, type: EventType, reason: string, message: string): void {
    if (this.pending >= this.maxPending) {
      if (this.dropped++ % 1000 === 0) this.log.warn({ dropped: this.dropped, pending: this.pending }, 'too many events waiting; dropping');
      return;
    }
    const meta = obj.metadata;
    const dedupe = [kind, meta?.namespace || 'default', meta?.name, meta?.uid, type, reason, message].join('\0');
    const lane = laneOf(dedupe, this.lanes.length);
    this.pending++;
    this.lanes[lane] = this.lanes[lane]
      .then(() => this.write(kind, obj, type, reason, message, dedupe))
      .catch((err: unknown) => {
        this.log.warn({ err: errorMessage(err), reason }, 'recording event failed');
      })
      .finally(() => this.pending--);
  }

  /** Resolves when every event recorded so far has been written (tests, shutdown). */
  async flush(): Promise<void> {
    await Promise.all(this.lanes);
  }

  private async write(kind: KindName, obj: EventSubject, type: EventType, reason: string, message: string, dedupe: string): Promise<void> {
    const meta = obj.metadata;
    const namespace = meta?.namespace || 'default';
    const now = new Date(this.clock.now()).toISOString();
    const prev = this.known.get(dedupe);
    if (prev) {
      try {
        const updated = await this.client.update('events', { ...prev, count: prev.count + 1, lastTimestamp: now });
        this.known.set(dedupe, updated);
        return;
      } catch (err) {
        if (!(err instanceof ConflictError) && !(err instanceof NotFoundError)) throw err;
        this.known.delete(dedupe);
        if (err instanceof ConflictError) {
          const fresh = await this.client.get('events', namespace, prev.metadata?.name ?? '');
          this.known.set(dedupe, await this.client.update('events', { ...fresh, count: fresh.count + 1, lastTimestamp: now }));
          return;
        }
      }
    }
    const suffix = createHash('sha256').update(dedupe).update(now).digest('hex').slice(0, 10);
    const created = await this.creates.write(
      Event.fromPartial({
        metadata: { name: `${meta?.name ?? 'unknown'}.${suffix}`, namespace },
        involvedObject: { kind: KINDS[kind].kind, apiVersion: KINDS[kind].apiVersion, namespace: meta?.namespace ?? '', name: meta?.name ?? '', uid: meta?.uid ?? '' },
        reason,
        message,
        type,
        source: { component: this.component },
        count: 1,
        firstTimestamp: now,
        lastTimestamp: now,
      }),
    );
    this.known.set(dedupe, created);
    if (this.known.size > 10_000) this.known.delete(this.known.keys().next().value as string);
  }
}
