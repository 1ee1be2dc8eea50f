import type { NatsConnection, Subscription } from 'nats';
import { kindSubject, kindWildcard } from '../api/subjects';
import { metaOf, objectKey, type ApiClient, type KindName, type ObjectMeta, type TypedObjects, type WatchStream } from '../api';
import { TooOldError, errorMessage } from '../errors';
import type { Logger } from '../log';
import { realClock, type Clock } from './clock';
import { Store, type IndexFunc } from './store';

export interface EventHandlers<T> {
  onAdd?(obj: T): void;
  onUpdate?(oldObj: T, newObj: T): void;
  onDelete?(obj: T): void;
}

/** What the informer itself reads of a cached object: its key and version. */
export interface Cacheable {
  metadata?: Pick<ObjectMeta, 'name' | 'namespace' | 'resourceVersion'>;
}

/**
 * Applied to every object before it is stored or handed to handlers (client-go's SetTransform):
 * a process that reads a few fields of many objects keeps only those, as its own type `T`.
 * Required unless the API object itself is a `T`.
 */
export type TransformOption<S, T> = [S] extends [T] ? { transform?: (obj: S) => T } : { transform: (obj: S) => T };

export interface InformerBaseOptions<T> {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  indexers?: Record<string, IndexFunc<NoInfer<T>>>;
  /** Change notices wake the informer: a notice not followed by a watch event soon re-opens the watch. */
  nats?: NatsConnection;
  log: Logger;
  clock?: Clock;
  /** How long after a NATS notice a silent watch counts as stuck (default 1 s). */
  noticeGraceMs?: number;
  /** Pause before re-opening a failed watch (default 200 ms, doubling to 5 s). */
  retryMs?: number;
}

/** A watch younger than this is never judged stuck: a re-opened one may be replaying history. */
const STUCK_MIN_AGE_MS = 5_000;
const STUCK_MAX_AGE_MS = 80_000;

/**
 * Whether a NATS notice at `noticeAt` shows the watch stuck: nothing came through it since the
 * notice, and it has been open long enough to have delivered (pure). A watch that is behind but
 * delivering is not stuck: re-opening it would throw away what it has in flight. The age asked
 * for doubles with each re-open that brought no event (`reopens`), up to 80 s: a watch resumed
 * from far back makes etcd read its history, which at 5,000 nodes took longer than 5 s, and one
 * re-opened from there every 6 s never caught up while etcd re-read ever more history.
 */
export function watchLooksStuck(s: { lastEventAt: number; noticeAt: number; openedAt: number; reopens: number }): boolean {
  const minAge = Math.min(STUCK_MIN_AGE_MS * 2 ** s.reopens, STUCK_MAX_AGE_MS);
  return s.lastEventAt < s.noticeAt && s.noticeAt - s.openedAt >= minAge;
}

export type InformerOptions<S, T = S> = InformerBaseOptions<T> & TransformOption<S, T>;

export const byNamespace = <T extends { metadata?: { namespace: string } }>(o: T): string[] => [o.metadata?.namespace ?? ''];

/**
 * Keeps a local cache of one kind in step with the apiserver (client-go's reflector + store):
 * List, then Watch from the list's resourceVersion; a broken watch resumes from the last
 * resourceVersion seen; TooOldError (compacted) re-lists and reconciles the store, delivering
 * deletes for objects that vanished meanwhile. NATS notices only hurry things up: the watch
 * remains the one copy of every change. Handlers run synchronously and should only enqueue keys.
 */
export class Informer<K extends KindName, T extends Cacheable = TypedObjects[K]> {
  readonly store: Store<T>;
  private handlers: EventHandlers<T>[] = [];
  private synced = false;
  private syncWaiters: (() => void)[] = [];
  private stopped = false;
  private stream: WatchStream<K> | undefined;
  private resourceVersion = '';
  private lastEventAt = 0;
  private streamOpenedAt = 0;
  /** Re-opens judged stuck since the last event (see watchLooksStuck). */
  private stuckReopens = 0;
  private noticeTimer: unknown;
  private sub: Subscription | undefined;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly slim: (obj: TypedObjects[K]) => T;

  constructor(
    private readonly client: ApiClient,
    readonly kind: K,
    private readonly opts: InformerOptions<TypedObjects[K], T>,
  ) {
    this.store = new Store(opts.indexers ?? {});
    // Without a transform TransformOption guarantees the API object is a T.
    this.slim = (opts.transform as ((obj: TypedObjects[K]) => T) | undefined) ?? ((obj) => obj as unknown as T);
    this.clock = opts.clock ?? realClock;
    this.log = opts.log.child({ informer: kind });
  }

  addEventHandler(h: EventHandlers<T>): void {
    this.handlers.push(h);
  }

  hasSynced(): boolean {
    return this.synced;
  }

  waitForSync(): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  /** Starts listing and watching; returns at once (the loop runs until stop()). */
  start(): void {
    if (this.opts.nats) {
      const subject = this.opts.namespace ? kindSubject(this.kind, this.opts.namespace) : kindWildcard(this.kind);
      this.sub = this.opts.nats.subscribe(subject, { callback: () => this.onNotice() });
    }
    void this.loop();
  }

  stop(): void {
    this.stopped = true;
    this.sub?.unsubscribe();
    if (this.noticeTimer !== undefined) this.clock.clearTimeout(this.noticeTimer);
    this.stream?.close();
  }

  private async loop(): Promise<void> {
    let retry = this.opts.retryMs ?? 200;
    let needList = true;
    while (!this.stopped) {
      try {
        if (needList) {
          await this.relist();
          needList = false;
        }
        await this.watchOnce();
        retry = this.opts.retryMs ?? 200;
      } catch (err) {
        if (this.stopped) return;
        if (err instanceof TooOldError) {
          this.log.info({ resourceVersion: this.resourceVersion }, 'watch too old; re-listing');
          needList = true;
          continue;
        }
        this.log.warn({ err: errorMessage(err), retryMs: retry }, 'list/watch failed; retrying');
        await new Promise<void>((r) => this.clock.setTimeout(r, retry));
        retry = Math.min(retry * 2, 5000);
      }
    }
  }

  private async relist(): Promise<void> {
    const { items, resourceVersion } = await this.client.list(this.kind, {
      namespace: this.opts.namespace,
      labelSelector: this.opts.labelSelector,
      fieldSelector: this.opts.fieldSelector,
    });
    const seen = new Set<string>();
    for (const obj of items) {
      const key = objectKey(metaOf(obj));
      seen.add(key);
      this.apply(key, this.slim(obj));
    }
    for (const key of this.store.keys()) {
      if (seen.has(key)) continue;
      const old = this.store.delete(key);
      if (old) for (const h of this.handlers) h.onDelete?.(old);
    }
    this.resourceVersion = resourceVersion;
    if (!this.synced) {
      this.synced = true;
      for (const w of this.syncWaiters.splice(0)) w();
    }
  }

  private async watchOnce(): Promise<void> {
    const stream = this.client.watch(this.kind, {
      namespace: this.opts.namespace,
      labelSelector: this.opts.labelSelector,
      fieldSelector: this.opts.fieldSelector,
      resourceVersion: this.resourceVersion,
      allowBookmarks: true,
    });
    this.stream = stream;
    this.streamOpenedAt = this.clock.now();
    try {
      for await (const ev of stream) {
        this.lastEventAt = this.clock.now();
        this.stuckReopens = 0;
        if (ev.resourceVersion) this.resourceVersion = ev.resourceVersion;
        if (ev.type === 'BOOKMARK' || !ev.object) continue;
        const key = objectKey(metaOf(ev.object));
        if (ev.type === 'DELETED') {
          const old = this.store.delete(key);
          for (const h of this.handlers) h.onDelete?.(old ?? this.slim(ev.object));
        } else {
          this.apply(key, this.slim(ev.object));
        }
      }
    } finally {
      this.stream = undefined;
    }
  }

  private apply(key: string, obj: T): void {
    const old = this.store.get(key);
    if (old && old.metadata?.resourceVersion === obj.metadata?.resourceVersion) return;
    this.store.set(key, obj);
    for (const h of this.handlers) {
      if (old) h.onUpdate?.(old, obj);
      else h.onAdd?.(obj);
    }
  }

  private onNotice(): void {
    if (this.noticeTimer !== undefined || !this.synced) return;
    const noticeAt = this.clock.now();
    this.noticeTimer = this.clock.setTimeout(() => {
      this.noticeTimer = undefined;
      // A change was committed but our watch said nothing since: assume it is stuck.
      if (this.stream && watchLooksStuck({ lastEventAt: this.lastEventAt, noticeAt, openedAt: this.streamOpenedAt, reopens: this.stuckReopens })) {
        this.stuckReopens++;
        this.log.info({ resourceVersion: this.resourceVersion, reopens: this.stuckReopens }, 'NATS notice without a watch event; re-opening the watch');
        this.stream.close();
      }
    }, this.opts.noticeGraceMs ?? 1000);
  }
}
