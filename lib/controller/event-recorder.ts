import { createHash } from 'node:crypto';
import { Event, KINDS, type ApiClient, type AnyObject, type KindName } from '../api';
import { ConflictError, NotFoundError, errorMessage } from '../errors';
import type { Logger } from '../log';
import { realClock, type Clock } from './clock';

export type EventType = 'Normal' | 'Warning';

/**
 * Records Events about objects. One Event per (object, type, reason, message): repeats bump
 * its count and lastTimestamp instead of creating new objects (Kubernetes' event correlation).
 * Recording never throws and never blocks the caller; failures are logged.
 */
export class EventRecorder {
  private readonly known = new Map<string, Event>();
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly client: ApiClient,
    private readonly component: string,
    private readonly log: Logger,
    private readonly clock: Clock = realClock,
  ) {}

  record(kind: KindName, obj: AnyObject, type: EventType, reason: string, message: string): void {
    this.chain = this.chain.then(() => this.write(kind, obj, type, reason, message)).catch((err: unknown) => {
      this.log.warn({ err: errorMessage(err), reason }, 'recording event failed');
    });
  }

  /** Resolves when every event recorded so far has been written (tests, shutdown). */
  flush(): Promise<void> {
    return this.chain;
  }

  private async write(kind: KindName, obj: AnyObject, type: EventType, reason: string, message: string): Promise<void> {
    const meta = obj.metadata;
    const namespace = meta?.namespace || 'default';
    const dedupe = [kind, namespace, meta?.name, meta?.uid, type, reason, message].join('\0');
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
    const created = await this.client.create(
      'events',
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
