import type { Etcd3 } from 'etcd3';
import type { IEvent, IKeyValue } from 'etcd3/lib/rpc';
import type { KindName } from '../../lib/api/kinds';
import type { Logger } from '../../lib/log';
import { prefixEnd, watchPrefix, type EtcdWatch } from './etcd-watch';
import { filterChange, type ChangeType, type WatchFilter } from './watch-filter';
import type { StoredChange } from './stored-change';
import { isAfter, RevisionIndexer, type WatchPosition } from './watch-position';
import type { AnyObject } from '../../lib/api/kinds';

/** A gRPC watcher as the cache sees it. */
export interface CacheWatcher {
  filter: WatchFilter;
  /** The spec.nodeName values the watcher is limited to (pods), so node agents are found by index. */
  nodePins?: readonly string[];
  /** Deliver only changes after this position. */
  after: WatchPosition;
  /** `object` is absent when it is the change's own object (`change.object`). */
  deliver(type: ChangeType, object: AnyObject | undefined, change: StoredChange): void;
  /** Every change up to `revision` has been delivered (for bookmarks). */
  progress(revision: number): void;
  /** The cache lost continuity (a compaction during an etcd outage): the watcher must re-list. */
  end(err: Error): void;
}

/** An etcd watch event as far as decoding needs it (IEvent fits; so does a ring entry). */
export interface StoredEvent {
  type: IEvent['type'];
  kv: IKeyValue;
  prev_kv?: IKeyValue;
}

export type ChangeDecoder = (ev: StoredEvent, index: number) => StoredChange;

/**
 * A change as the ring keeps it: the etcd event's bytes, decoded again only when a watcher
 * resumes from the ring. Decoded objects cost about four times their encoding, and 10,000
 * changes of each kind stay here.
 */
interface RingEntry {
  revision: number;
  index: number;
  event: StoredEvent;
}

/**
 * Copies of one etcd watch response's events in ONE exact-size allocation. Copies so they do
 * not pin etcd's whole response buffer; one allocation because Buffer.from of a small buffer
 * takes a slice of a shared 8 KiB slab, and a ring entry kept the whole slab alive (a heap
 * snapshot at 30,000 pods: 33 MB of slabs behind the ring's keys and values). The ring evicts in
 * order, so a response's events are released together.
 */
export function compactEvents(events: IEvent[]): StoredEvent[] {
  let total = 0;
  for (const ev of events) total += ev.kv.key.length + ev.kv.value.length + (ev.prev_kv ? ev.prev_kv.value.length : 0);
  const arena = Buffer.allocUnsafeSlow(total);
  let pos = 0;
  const copy = (b: Buffer): Buffer => {
    const start = pos;
    pos += b.copy(arena, pos);
    return arena.subarray(start, pos);
  };
  const kvOf = (kv: IKeyValue, key: Buffer): IKeyValue => ({ key, value: copy(kv.value), mod_revision: kv.mod_revision, version: kv.version, create_revision: '', lease: '' });
  return events.map((ev) => {
    const key = copy(ev.kv.key);
    return { type: ev.type, kv: kvOf(ev.kv, key), prev_kv: ev.prev_kv ? kvOf(ev.prev_kv, key) : undefined };
  });
}

/** Fixed-size ring of the latest changes. */
class Ring {
  private readonly items: (RingEntry | undefined)[];
  private head = 0;
  size = 0;
  constructor(readonly capacity: number) {
    this.items = new Array<RingEntry | undefined>(capacity);
  }
  /** Pushes; returns the evicted entry if the ring was full. */
  push(c: RingEntry): RingEntry | undefined {
    const i = (this.head + this.size) % this.capacity;
    let evicted: RingEntry | undefined;
    if (this.size === this.capacity) {
      evicted = this.items[this.head];
      this.head = (this.head + 1) % this.capacity;
    } else {
      this.size++;
    }
    this.items[i] = c;
    return evicted;
  }
  *from(revision: number): Generator<RingEntry> {
    for (let k = 0; k < this.size; k++) {
      const c = this.items[(this.head + k) % this.capacity] as RingEntry;
      if (c.revision >= revision) yield c;
    }
  }
  clear(): void {
    this.head = 0;
    this.size = 0;
    this.items.fill(undefined);
  }
}

/**
 * The watch cache of one kind: ONE etcd watch, fanned out to every gRPC watcher, with a ring
 * of recent changes so a watcher resuming from a recent resourceVersion is served from
 * memory. Watchers pinned to a node are indexed by it, so a change reaches only the node
 * agents it concerns.
 */
export class KindCache {
  private readonly ring: Ring;
  private readonly indexer = new RevisionIndexer();
  private readonly general = new Set<CacheWatcher>();
  /** Watchers limited to some nodes, each also indexed under every node it names. */
  private readonly pinned = new Set<CacheWatcher>();
  private readonly byNode = new Map<string, Set<CacheWatcher>>();
  private etcdWatch: EtcdWatch | undefined;
  private starting: Promise<void> | undefined;
  /** Every change after this revision is in the ring. */
  private oldestResumable = 0;
  /** Every change up to this revision has been dispatched. */
  current = 0;

  constructor(
    readonly kind: KindName,
    private readonly client: Etcd3,
    private readonly decode: ChangeDecoder,
    capacity: number,
    private readonly log: Logger,
  ) {
    this.ring = new Ring(capacity);
  }

  /** Starts the etcd watch once (lazily, on the kind's first watcher). */
  start(): Promise<void> {
    this.starting ??= this.begin().catch((err: unknown) => {
      this.starting = undefined;
      throw err;
    });
    return this.starting;
  }

  private async begin(): Promise<void> {
    const prefix = `/registry/${this.kind}/`;
    const key = Buffer.from(prefix);
    const res = await this.client.kv.range({ key, range_end: prefixEnd(key), limit: 1, keys_only: true });
    const rev = Number(res.header.revision);
    this.oldestResumable = rev;
    this.current = rev;
    this.etcdWatch = watchPrefix(this.client, prefix, rev + 1, {
      onEvents: (events) => this.onEvents(events),
      onProgress: (r) => this.onProgress(r),
      onCompacted: (c) => this.onCompacted(c),
    }, this.log);
  }

  private onEvents(events: IEvent[]): void {
    const kept = compactEvents(events);
    for (let i = 0; i < events.length; i++) {
      const ev = kept[i];
      const index = this.indexer.indexOf(Number(ev.kv.mod_revision));
      const change = this.decode(ev, index);
      const evicted = this.ring.push({ revision: change.revision, index, event: ev });
      if (evicted) this.oldestResumable = evicted.revision;
      this.dispatch(change);
    }
    this.onProgress(Number(events[events.length - 1].kv.mod_revision));
  }

  private onProgress(revision: number): void {
    this.current = Math.max(this.current, revision);
    for (const w of this.allWatchers()) w.progress(this.current);
  }

  /** The watch could not resume (compacted while etcd was unreachable): everyone re-lists. */
  private onCompacted(compactRevision: number): void {
    this.log.error({ kind: this.kind, compactRevision }, 'watch cache lost continuity (compacted); watchers must re-list');
    const err = new Error('compacted');
    for (const w of [...this.allWatchers()]) w.end(err);
    this.general.clear();
    this.pinned.clear();
    this.byNode.clear();
    this.ring.clear();
    this.etcdWatch = undefined;
    this.starting = undefined;
  }

  private *allWatchers(): Generator<CacheWatcher> {
    yield* this.general;
    yield* this.pinned;
  }

  private dispatch(change: StoredChange): void {
    const targets: Iterable<CacheWatcher>[] = [this.general];
    if (this.byNode.size > 0) {
      const node = (change.object as { spec?: { nodeName?: string } }).spec?.nodeName ?? '';
      const prevNode = (change.prev as { spec?: { nodeName?: string } } | undefined)?.spec?.nodeName ?? node;
      const a = this.byNode.get(node);
      const b = prevNode !== node ? this.byNode.get(prevNode) : undefined;
      // A watcher of both nodes (a pod moved between two nodes of one agent process) gets the change once.
      if (a && b) targets.push(new Set([...a, ...b]));
      else if (a ?? b) targets.push((a ?? b) as Set<CacheWatcher>);
    }
    for (const set of targets) for (const w of set) this.offer(w, change);
  }

  private offer(w: CacheWatcher, change: StoredChange): void {
    if (!isAfter(change.revision, change.index, w.after)) return;
    const out = filterChange(w.filter, change);
    if (out) w.deliver(out.type, out.object, change);
  }

  /**
   * Adds a watcher that has seen everything up to `after`. Returns false when that position
   * is older than the ring holds (the caller then reads from etcd directly).
   */
  subscribe(w: CacheWatcher): boolean {
    // Part of the evicted revision may be gone from the ring: a position inside it is too old.
    const complete = w.after.index === Infinity ? w.after.revision : w.after.revision - 1;
    if (complete < this.oldestResumable) return false;
    for (const e of this.ring.from(w.after.revision)) {
      if (isAfter(e.revision, e.index, w.after)) this.offer(w, this.decode(e.event, e.index));
    }
    if (w.nodePins !== undefined) {
      this.pinned.add(w);
      for (const node of w.nodePins) {
        let set = this.byNode.get(node);
        if (!set) this.byNode.set(node, (set = new Set()));
        set.add(w);
      }
    } else {
      this.general.add(w);
    }
    return true;
  }

  unsubscribe(w: CacheWatcher): void {
    this.general.delete(w);
    this.pinned.delete(w);
    for (const node of w.nodePins ?? []) {
      const set = this.byNode.get(node);
      set?.delete(w);
      if (set?.size === 0) this.byNode.delete(node);
    }
  }

  close(): void {
    this.etcdWatch?.close();
  }
}
