import { randomUUID } from 'node:crypto';
import type { Etcd3 } from 'etcd3';
import { GRPCOutOfRangeError } from 'etcd3';
import type { ICompare, IRequestOp } from 'etcd3/lib/rpc';
import { KINDS, KIND_NAMES, storageKey, storagePrefix, type AnyObject, type KindName, type TypedObjects } from '../../lib/api/kinds';
import type { Condition, ObjectKey, ObjectMeta, Pod } from '../../lib/api/types';
import type { ChangeNotice } from '../../lib/api/subjects';
import { AlreadyExistsError, BadRequestError, ConflictError, InvalidError, NotFoundError, TooOldError, type FieldError } from '../../lib/errors';
import type { Logger } from '../../lib/log';
import { applyDefaults } from '../../lib/manifest/defaults';
import { validateObject } from '../../lib/manifest/validate';
import { parseFieldSelector, parseLabelSelector } from '../../lib/selectors';
import { MAX_OBJECT_BYTES, decodeObject, encodeObject, encodeSpec, normalize } from './codec';
import { decodeContinue, encodeContinue } from './continue-token';
import { prefixEnd, watchPrefix } from './etcd-watch';
import { GroupCommitter, type TxnOpResult } from './group-commit';
import type { ChangeNotifier } from './notifier';
import { mergeApply, mergeStatus, mergeUpdate, nameSuffix, planDelete, prepareCreate, removable, rfc3339, specChanged } from './object-rules';
import { KindCache, type CacheWatcher, type StoredEvent } from './watch-cache';
import { StoredChange } from './stored-change';
import { formatWatchPosition, isAfter, parseWatchPosition, RevisionIndexer, type WatchPosition } from './watch-position';
import type { ChangeType, WatchFilter } from './watch-filter';
import { filterChange, objectMatches } from './watch-filter';

/** Kubernetes' message for a lost compare-and-swap. */
export const CONFLICT_MESSAGE = 'the object has been modified; re-read and retry';
export const TOO_OLD_MESSAGE = 'resourceVersion too old: re-list';
const EVENT_TTL_SECONDS = 3600;
/** A page of List stops growing at this many encoded bytes, far below gRPC's 4 MiB. */
const PAGE_BYTES = 2 * 1024 * 1024;
const ETCD_CHUNK = 500;
const MAX_APPLY_OBJECTS = 128;
const BIND_CHUNK = 64;
const LEASES_PREFIX = storagePrefix('leases');

export interface ListQuery {
  namespace: string;
  labelSelector: string;
  fieldSelector: string;
  limit: number;
  continue: string;
}

export interface ListResult<K extends KindName> {
  items: TypedObjects[K][];
  resourceVersion: string;
  continue: string;
  remainingItemCount: number;
}

export interface WatchQuery {
  namespace: string;
  labelSelector: string;
  fieldSelector: string;
  resourceVersion: string;
  allowBookmarks: boolean;
}

export interface WatchSink {
  /**
   * One event. `object` is absent for BOOKMARK, and when the event carries the stored
   * change's own object: then `change` makes its bytes without decoding it.
   */
  event(type: ChangeType | 'BOOKMARK', object: AnyObject | undefined, resourceVersion: string, change?: StoredChange): void;
  end(err?: Error): void;
}

export interface DeleteRequestOptions {
  gracePeriodSeconds?: number;
  propagationPolicy: string;
  force: boolean;
  preconditionUid: string;
  preconditionResourceVersion: string;
}

export interface BindSpec {
  namespace: string;
  name: string;
  nodeName: string;
  uid: string;
}

export interface BindOutcome {
  pod: ObjectKey;
  /** Absent on success. */
  error?: Error;
}

export interface ApplyOutcome {
  kind: KindName;
  object: AnyObject;
  action: 'created' | 'configured' | 'unchanged';
}

export interface StoreOptions {
  client: Etcd3;
  notifier: ChangeNotifier;
  log: Logger;
  /** Changes each kind's watch cache keeps (default 10,000). */
  watchCacheSize?: number;
  bookmarkIntervalMs?: number;
  now?: () => Date;
}

export function parseKind(kind: string): KindName {
  if (!(KIND_NAMES as string[]).includes(kind)) throw new BadRequestError(`unknown kind "${kind}" (one of ${KIND_NAMES.join(', ')})`);
  return kind as KindName;
}

function notFound(kind: KindName, namespace: string, name: string): NotFoundError {
  return new NotFoundError(`${KINDS[kind].kind.toLowerCase()} "${KINDS[kind].namespaced ? `${namespace}/` : ''}${name}" not found`);
}

function nodeOf(obj: AnyObject): string {
  return (obj as { spec?: { nodeName?: string } }).spec?.nodeName ?? '';
}

/**
 * The domain store: every API operation on etcd. Writes are compare-and-swap on the mod
 * revision and go through group commit; change notices follow each commit. Knows nothing
 * of gRPC (the service adapter maps its typed errors).
 */
export class Store {
  private readonly client: Etcd3;
  private readonly committer: GroupCommitter;
  /** Concurrent single-key reads (the read before each update) ride one read-only txn. */
  private readonly reads: GroupCommitter;
  private readonly caches = new Map<KindName, KindCache>();
  /** Watchers reading etcd's history themselves (not yet caught up with the watch cache). */
  directWatches = 0;
  /** Watches that had to read etcd's history (older than the watch cache), since start. */
  historyWatchesStarted = 0;
  private readonly notifier: ChangeNotifier;
  private readonly log: Logger;
  private readonly now: () => Date;
  private readonly bookmarkIntervalMs: number;
  private readonly watchCacheSize: number;
  private eventLease: { id: string; granted: number } | undefined;

  constructor(opts: StoreOptions) {
    this.client = opts.client;
    this.notifier = opts.notifier;
    this.log = opts.log;
    this.now = opts.now ?? (() => new Date());
    this.bookmarkIntervalMs = opts.bookmarkIntervalMs ?? 5_000;
    this.watchCacheSize = opts.watchCacheSize ?? 10_000;
    this.committer = new GroupCommitter((req) => this.client.kv.txn(req));
    this.reads = new GroupCommitter((req) => this.client.kv.txn(req), { maxOps: 100, flat: true });
  }

  get commitStats(): { batches: number; ops: number } {
    return this.committer.stats;
  }

  close(): void {
    for (const c of this.caches.values()) c.close();
  }

  // ---- reads

  private async readKey<K extends KindName>(kind: K, key: string): Promise<TypedObjects[K] | undefined> {
    const k = Buffer.from(key);
    const res = await this.reads.submit({ keys: [], compare: [], success: [{ request_range: { key: k } }], bytes: 0, urgent: key.startsWith(LEASES_PREFIX) });
    const kv = res.responses[0].response_range.kvs[0];
    return kv ? decodeObject(kind, kv.value, kv.mod_revision) : undefined;
  }

  async get<K extends KindName>(kind: K, namespace: string, name: string): Promise<TypedObjects[K]> {
    const ns = KINDS[kind].namespaced ? namespace || 'default' : '';
    const obj = await this.readKey(kind, storageKey(kind, ns, name));
    if (!obj) throw notFound(kind, ns, name);
    return obj;
  }

  async list<K extends KindName>(kind: K, q: ListQuery): Promise<ListResult<K>> {
    const filter: WatchFilter = { namespace: q.namespace, labels: parseLabelSelector(q.labelSelector), fields: parseFieldSelector(q.fieldSelector) };
    const prefix = storagePrefix(kind, q.namespace);
    const end = prefixEnd(Buffer.from(prefix));
    let start = Buffer.from(prefix);
    let revision = 0;
    if (q.continue) {
      const token = decodeContinue(q.continue, prefix);
      start = Buffer.concat([Buffer.from(token.key), Buffer.from([0])]);
      revision = Number(token.rev);
    }
    const limit = q.limit > 0 ? q.limit : Infinity;
    const items: TypedObjects[K][] = [];
    let bytes = 0;
    for (;;) {
      let res;
      try {
        res = await this.client.kv.range({ key: start, range_end: end, revision: revision || undefined, limit: ETCD_CHUNK });
      } catch (err) {
        if (err instanceof GRPCOutOfRangeError) throw new TooOldError(`continue token expired: ${TOO_OLD_MESSAGE}`, { cause: err });
        throw err;
      }
      if (!revision) revision = Number(res.header.revision);
      for (let i = 0; i < res.kvs.length; i++) {
        const kv = res.kvs[i];
        const obj = decodeObject(kind, kv.value, kv.mod_revision);
        if (objectMatches(filter, obj)) {
          items.push(obj);
          bytes += kv.value.length;
        }
        const moreHere = i < res.kvs.length - 1 || res.more;
        if ((items.length >= limit || bytes >= PAGE_BYTES) && moreHere) {
          const unfiltered = filter.labels.empty && filter.fields.empty;
          return {
            items,
            resourceVersion: String(revision),
            continue: encodeContinue({ key: kv.key.toString(), rev: String(revision) }),
            remainingItemCount: unfiltered ? Number(res.count) - (i + 1) : 0,
          };
        }
      }
      if (!res.more || res.kvs.length === 0) return { items, resourceVersion: String(revision), continue: '', remainingItemCount: 0 };
      start = Buffer.concat([res.kvs[res.kvs.length - 1].key, Buffer.from([0])]);
    }
  }

  // ---- write helpers

  private async leaseFor(kind: KindName): Promise<string | undefined> {
    if (kind !== 'events') return undefined;
    // One lease per minute of events, as Kubernetes does, instead of one per event.
    const nowMs = Date.now();
    if (!this.eventLease || nowMs - this.eventLease.granted > 60_000) {
      const res = await this.client.leaseClient.leaseGrant({ TTL: EVENT_TTL_SECONDS + 60 });
      this.eventLease = { id: res.ID, granted: nowMs };
    }
    return this.eventLease.id;
  }

  private async putOp(kind: KindName, key: string, value: Buffer): Promise<IRequestOp> {
    const lease = await this.leaseFor(kind);
    return { request_put: { key: Buffer.from(key), value, ...(lease ? { lease } : {}) } };
  }

  /** Defaults, validates and size-checks an object; returns its encoding. */
  private admit<K extends KindName>(kind: K, obj: TypedObjects[K]): Buffer {
    applyDefaults(kind, obj);
    const errors = this.check(kind, obj);
    if (errors.length > 0) throw new InvalidError(errors, `${KINDS[kind].kind} "${obj.metadata?.name ?? ''}"`);
    return this.encodeChecked(kind, obj);
  }

  private encodeChecked<K extends KindName>(kind: K, obj: TypedObjects[K]): Buffer {
    const value = encodeObject(kind, obj);
    if (value.length > MAX_OBJECT_BYTES) {
      throw new InvalidError([{ field: 'metadata.name', message: `object is ${value.length} bytes encoded; the limit is ${MAX_OBJECT_BYTES} bytes (etcd's 1.5 MiB request limit)` }], `${KINDS[kind].kind} "${obj.metadata?.name ?? ''}"`);
    }
    return value;
  }

  private check(kind: KindName, obj: AnyObject): FieldError[] {
    const errors: FieldError[] = [];
    const name = obj.metadata?.name ?? '';
    if (!name) errors.push({ field: 'metadata.name', message: 'Required value: name or generateName is required' });
    else if (name.length > 253 || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name)) errors.push({ field: 'metadata.name', message: `invalid name "${name}": lowercase letters, digits, '-' and '.', at most 253` });
    if (KINDS[kind].namespaced && !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(obj.metadata?.namespace ?? '')) {
      errors.push({ field: 'metadata.namespace', message: `invalid namespace "${obj.metadata?.namespace ?? ''}"` });
    }
    return [...errors, ...validateObject(kind, obj)];
  }

  private async cas(key: string, expect: number | 'absent', op: IRequestOp, bytes: number): Promise<TxnOpResult> {
    const compare: ICompare =
      expect === 'absent'
        ? { key: Buffer.from(key), target: 'Create', result: 'Equal', create_revision: 0 }
        : { key: Buffer.from(key), target: 'Mod', result: 'Equal', mod_revision: expect };
    return this.committer.submit({ keys: [key], compare: [compare], success: [op], failure: [{ request_range: { key: Buffer.from(key) } }], bytes, urgent: key.startsWith(LEASES_PREFIX) });
  }

  private casFailure(kind: KindName, meta: ObjectMeta, r: TxnOpResult): Error {
    const kvs = r.responses[0]?.response_range?.kvs ?? [];
    return kvs.length === 0 ? notFound(kind, meta.namespace, meta.name) : new ConflictError(CONFLICT_MESSAGE);
  }

  private notify(kind: KindName, obj: AnyObject, revision: string, type: ChangeNotice['type']): void {
    const meta = obj.metadata as ObjectMeta;
    this.notifier.notify({ kind, namespace: meta.namespace, name: meta.name, resourceVersion: revision, type, node: kind === 'pods' ? nodeOf(obj) : '' });
  }

  /** Stores `next` over `current` (CAS), or removes it when it is due for removal. */
  private async writeOver<K extends KindName>(kind: K, current: TypedObjects[K], next: TypedObjects[K], value: Buffer | undefined): Promise<{ object: TypedObjects[K]; removed: boolean }> {
    const meta = current.metadata as ObjectMeta;
    const key = storageKey(kind, meta.namespace, meta.name);
    const remove = removable(kind, next);
    const op: IRequestOp = remove ? { request_delete_range: { key: Buffer.from(key) } } : await this.putOp(kind, key, value ?? this.encodeChecked(kind, next));
    const r = await this.cas(key, Number(meta.resourceVersion), op, value?.length ?? 0);
    if (!r.succeeded) throw this.casFailure(kind, meta, r);
    (next.metadata as ObjectMeta).resourceVersion = r.revision;
    this.notify(kind, next, r.revision, remove ? 'DELETED' : 'MODIFIED');
    return { object: next, removed: remove };
  }

  // ---- writes

  async create<K extends KindName>(kind: K, obj: TypedObjects[K], dryRun = false): Promise<TypedObjects[K]> {
    const meta = (obj.metadata ??= {} as ObjectMeta);
    const generated = !meta.name && !!meta.generateName;
    for (let attempt = 0; ; attempt++) {
      if (generated) meta.name = `${meta.generateName}${nameSuffix()}`;
      prepareCreate(kind, obj, this.now(), randomUUID());
      const value = this.admit(kind, obj);
      if (dryRun) return obj;
      const key = storageKey(kind, meta.namespace, meta.name);
      const r = await this.cas(key, 'absent', await this.putOp(kind, key, value), value.length);
      if (r.succeeded) {
        meta.resourceVersion = r.revision;
        this.notify(kind, obj, r.revision, 'ADDED');
        return obj;
      }
      if (!generated || attempt >= 4) throw new AlreadyExistsError(`${KINDS[kind].kind.toLowerCase()} "${meta.name}" already exists`);
    }
  }

  async update<K extends KindName>(kind: K, incoming: TypedObjects[K]): Promise<TypedObjects[K]> {
    const im = incoming.metadata;
    if (!im?.name) throw new InvalidError([{ field: 'metadata.name', message: 'Required value' }]);
    const current = await this.get(kind, im.namespace, im.name);
    if (im.resourceVersion && im.resourceVersion !== current.metadata!.resourceVersion) throw new ConflictError(CONFLICT_MESSAGE);
    applyDefaults(kind, incoming);
    const next = mergeUpdate(current, incoming, specChanged(kind, current, incoming, encodeSpec)) as TypedObjects[K];
    const value = removable(kind, next) ? undefined : this.admit(kind, next);
    return (await this.writeOver(kind, current, next, value)).object;
  }

  async updateStatus<K extends KindName>(kind: K, incoming: TypedObjects[K]): Promise<TypedObjects[K]> {
    const im = incoming.metadata;
    if (!im?.name) throw new InvalidError([{ field: 'metadata.name', message: 'Required value' }]);
    if (!('status' in incoming)) throw new BadRequestError(`${KINDS[kind].kind} has no status`);
    // Without a resourceVersion the caller asks for last-writer-wins on status: retry CAS.
    for (let attempt = 0; ; attempt++) {
      const current = await this.get(kind, im.namespace, im.name);
      if (im.resourceVersion && im.resourceVersion !== current.metadata!.resourceVersion) throw new ConflictError(CONFLICT_MESSAGE);
      const next = normalize(kind, mergeStatus(current, (incoming as { status?: unknown }).status, rfc3339(this.now())));
      try {
        return (await this.writeOver(kind, current, next, this.encodeChecked(kind, next))).object;
      } catch (err) {
        if (!(err instanceof ConflictError) || im.resourceVersion || attempt >= 5) throw err;
      }
    }
  }

  async delete(kind: KindName, namespace: string, name: string, opts: DeleteRequestOptions): Promise<{ object: AnyObject; removed: boolean }> {
    for (let attempt = 0; ; attempt++) {
      const current = await this.get(kind, namespace, name);
      const meta = current.metadata as ObjectMeta;
      if (opts.preconditionUid && opts.preconditionUid !== meta.uid) throw new ConflictError(`precondition failed: uid is ${meta.uid}, not ${opts.preconditionUid}`);
      if (opts.preconditionResourceVersion && opts.preconditionResourceVersion !== meta.resourceVersion) throw new ConflictError(CONFLICT_MESSAGE);
      const plan = planDelete(kind, current, opts, this.now());
      if (plan.action === 'none') return { object: current, removed: false };
      try {
        if (plan.action === 'remove') {
          const key = storageKey(kind, meta.namespace, meta.name);
          const r = await this.cas(key, Number(meta.resourceVersion), { request_delete_range: { key: Buffer.from(key) } }, 0);
          if (!r.succeeded) throw this.casFailure(kind, meta, r);
          this.notify(kind, current, r.revision, 'DELETED');
          return { object: { ...current, metadata: { ...meta, resourceVersion: r.revision } } as AnyObject, removed: true };
        }
        return await this.writeOver(kind, current, plan.object, undefined);
      } catch (err) {
        if (!(err instanceof ConflictError) || opts.preconditionResourceVersion || attempt >= 5) throw err;
      }
    }
  }

  /** The pod as bound to `node`, or the reason it cannot be. */
  private planBind(pod: Pod, node: string, uid: string): Pod | Error {
    const meta = pod.metadata as ObjectMeta;
    if (uid && meta.uid !== uid) return new ConflictError(`pod ${meta.namespace}/${meta.name} was replaced (uid ${meta.uid}, not ${uid})`);
    if (pod.spec?.nodeName) return new ConflictError(`pod ${meta.namespace}/${meta.name} is already bound to ${pod.spec.nodeName}`);
    if (meta.deletionTimestamp) return new ConflictError(`pod ${meta.namespace}/${meta.name} is being deleted`);
    const now = rfc3339(this.now());
    const scheduled: Condition = { type: 'PodScheduled', status: 'True', reason: '', message: '', lastTransitionTime: now, lastUpdateTime: '', lastHeartbeatTime: '' };
    const bound = mergeStatus({ ...pod, spec: { ...pod.spec!, nodeName: node } } as Pod, { ...pod.status, conditions: [scheduled] }, now);
    return normalize('pods', bound);
  }

  async bind(namespace: string, name: string, node: string, uid: string): Promise<Pod> {
    if (!node) throw new BadRequestError('bind: nodeName is required');
    const pod = await this.get('pods', namespace, name);
    const bound = this.planBind(pod, node, uid);
    if (bound instanceof Error) throw bound;
    return (await this.writeOver('pods', pod, bound, this.encodeChecked('pods', bound))).object;
  }

  /**
   * Binds many pods, one etcd txn per BIND_CHUNK (the scheduler batches), with a result per
   * pod. etcd counts a nested txn and its put both towards --max-txn-ops (128): 100 binds in
   * one txn pass, 128 are refused whole.
   */
  async bindMany(binds: BindSpec[]): Promise<BindOutcome[]> {
    // The chunks go to etcd concurrently: one after another, a batch of 256 binds took four
    // read-then-write round trips, and at 50,000 pods binding trailed creation by 25 s. `seen`
    // is shared: each chunk's synchronous start claims its keys before the next chunk starts.
    const seen = new Set<string>();
    const chunks: Promise<BindOutcome[]>[] = [];
    for (let i = 0; i < binds.length; i += BIND_CHUNK) chunks.push(this.bindChunk(binds.slice(i, i + BIND_CHUNK), seen));
    return (await Promise.all(chunks)).flat();
  }

  private async bindChunk(binds: BindSpec[], seen: Set<string>): Promise<BindOutcome[]> {
    const results: BindOutcome[] = binds.map((b) => ({ pod: { kind: 'pods', namespace: b.namespace || 'default', name: b.name } }));
    const planned: { i: number; current: Pod; bound: Pod; key: string }[] = [];
    await Promise.all(
      binds.map(async (b, i) => {
        try {
          const key = storageKey('pods', b.namespace || 'default', b.name);
          if (seen.has(key)) throw new ConflictError(`pod ${b.namespace}/${b.name} appears twice in one BindMany`);
          seen.add(key);
          const current = await this.get('pods', b.namespace, b.name);
          const bound = b.nodeName ? this.planBind(current, b.nodeName, b.uid) : new BadRequestError('bind: nodeName is required');
          if (bound instanceof Error) throw bound;
          planned.push({ i, current, bound, key });
        } catch (err) {
          results[i] = { ...results[i], error: err instanceof Error ? err : new Error(String(err)) };
        }
      }),
    );
    if (planned.length === 0) return results;
    const ops = planned.map((p) => ({
      request_txn: {
        compare: [{ key: Buffer.from(p.key), target: 'Mod' as const, result: 'Equal' as const, mod_revision: p.current.metadata!.resourceVersion }],
        success: [{ request_put: { key: Buffer.from(p.key), value: this.encodeChecked('pods', p.bound) } }],
        failure: [],
      },
    }));
    const res = await this.client.kv.txn({ compare: [], success: ops, failure: [] });
    planned.forEach((p, j) => {
      if (res.responses[j].response_txn.succeeded) {
        this.notify('pods', p.bound, res.header.revision, 'MODIFIED');
      } else {
        results[p.i] = { ...results[p.i], error: new ConflictError(CONFLICT_MESSAGE) };
      }
    });
    return results;
  }

  /**
   * Server-side apply of several objects: all are validated first, then all are written in
   * one etcd txn (none if any compare fails; the txn is retried on such a conflict).
   */
  async apply(objects: { kind: KindName; object: AnyObject }[], dryRun: boolean): Promise<ApplyOutcome[]> {
    if (objects.length > MAX_APPLY_OBJECTS) throw new BadRequestError(`apply takes at most ${MAX_APPLY_OBJECTS} objects at once (etcd's transaction limit); got ${objects.length}`);
    const fieldErrors: FieldError[] = [];
    const seen = new Set<string>();
    for (const { kind, object } of objects) {
      const meta = (object.metadata ??= {} as ObjectMeta);
      if (KINDS[kind].namespaced && !meta.namespace) meta.namespace = 'default';
      if (!KINDS[kind].namespaced) meta.namespace = '';
      applyDefaults(kind, object);
      const where = `${KINDS[kind].kind} ${meta.namespace ? `${meta.namespace}/` : ''}${meta.name || '(no name)'}`;
      for (const e of this.check(kind, object)) fieldErrors.push({ field: `${where}: ${e.field}`, message: e.message });
      const key = storageKey(kind, meta.namespace, meta.name);
      if (seen.has(key)) fieldErrors.push({ field: `${where}: metadata.name`, message: 'Duplicate value: the object appears twice' });
      seen.add(key);
    }
    if (fieldErrors.length > 0) throw new InvalidError(fieldErrors, 'manifest');
    for (let attempt = 0; ; attempt++) {
      const planned = await Promise.all(objects.map(({ kind, object }) => this.planApply(kind, object)));
      if (dryRun) return planned.map(({ kind, next, action }) => ({ kind, object: next, action }));
      const compare: ICompare[] = [];
      const success: IRequestOp[] = [];
      for (const p of planned) {
        const key = Buffer.from(p.key);
        compare.push(p.current ? { key, target: 'Mod', result: 'Equal', mod_revision: p.current.metadata!.resourceVersion } : { key, target: 'Create', result: 'Equal', create_revision: 0 });
        if (p.action !== 'unchanged') success.push(await this.putOp(p.kind, p.key, p.value));
      }
      const res = await this.client.kv.txn({ compare, success, failure: [] });
      if (res.succeeded) {
        return planned.map((p) => {
          if (p.action !== 'unchanged') {
            p.next.metadata!.resourceVersion = res.header.revision;
            this.notify(p.kind, p.next, res.header.revision, p.action === 'created' ? 'ADDED' : 'MODIFIED');
          }
          return { kind: p.kind, object: p.next, action: p.action };
        });
      }
      if (attempt >= 4) throw new ConflictError(`apply: ${CONFLICT_MESSAGE}`);
    }
  }

  private async planApply(kind: KindName, manifest: AnyObject): Promise<{ kind: KindName; key: string; current?: AnyObject; next: AnyObject; value: Buffer; action: ApplyOutcome['action'] }> {
    const meta = manifest.metadata as ObjectMeta;
    const key = storageKey(kind, meta.namespace, meta.name);
    const current = await this.readKey(kind, key);
    if (!current) {
      const next = structuredClone(manifest);
      prepareCreate(kind, next, this.now(), randomUUID());
      return { kind, key, next, value: this.encodeChecked(kind, next), action: 'created' };
    }
    const next = mergeApply(kind, current, manifest, (a, b) => specChanged(kind, a, b, encodeSpec));
    const value = this.encodeChecked(kind, next);
    const unchanged = value.equals(encodeObject(kind, current));
    if (unchanged) return { kind, key, current, next: current, value, action: 'unchanged' };
    return { kind, key, current, next, value, action: 'configured' };
  }

  // ---- watch

  /**
   * Starts every kind's watch cache now rather than at its first watcher. A cache started
   * lazily begins at the revision of that moment, so a client that listed just before (every
   * informer lists, then watches) found its resourceVersion older than the cache and read etcd's
   * history instead: seen for pods at 5,000 nodes, where many processes list and watch at once.
   */
  async startWatchCaches(): Promise<void> {
    await Promise.all(KIND_NAMES.map((kind) => this.cacheFor(kind).start()));
  }

  private cacheFor(kind: KindName): KindCache {
    let cache = this.caches.get(kind);
    if (!cache) {
      cache = new KindCache(kind, this.client, (ev, index) => this.decodeChange(kind, ev, index), this.watchCacheSize, this.log.child({ kind }));
      this.caches.set(kind, cache);
    }
    return cache;
  }

  private decodeChange(kind: KindName, ev: StoredEvent, index: number): StoredChange {
    const revision = Number(ev.kv.mod_revision);
    const type = ev.type === 'Delete' ? 'DELETED' : ev.kv.version === '1' || !ev.prev_kv ? 'ADDED' : 'MODIFIED';
    return new StoredChange(kind, type, revision, index, ev.kv, ev.prev_kv);
  }

  /**
   * Streams changes of a kind to `sink`. Returns a function that stops the watch. Without
   * a resourceVersion the stream starts with ADDED for every current object.
   */
  async watch(kind: KindName, q: WatchQuery, sink: WatchSink): Promise<() => void> {
    const filter: WatchFilter = { namespace: q.namespace, labels: parseLabelSelector(q.labelSelector), fields: parseFieldSelector(q.fieldSelector) };
    const cache = this.cacheFor(kind);
    await cache.start();
    let after: WatchPosition;
    if (!q.resourceVersion || q.resourceVersion === '0') {
      let cont = '';
      let listed = 0;
      do {
        const page = await this.list(kind, { namespace: q.namespace, labelSelector: q.labelSelector, fieldSelector: q.fieldSelector, limit: 500, continue: cont });
        for (const item of page.items) sink.event('ADDED', item, item.metadata!.resourceVersion);
        listed ||= Number(page.resourceVersion);
        cont = page.continue;
      } while (cont);
      after = { revision: listed, index: Infinity };
    } else {
      after = parseWatchPosition(q.resourceVersion);
    }
    let progress = after.index === Infinity ? after.revision : after.revision - 1;
    let ended = false;
    const watcher: CacheWatcher = {
      filter,
      nodePins: kind === 'pods' ? filter.fields.pinned('spec.nodeName') : undefined,
      after,
      deliver: (type, object, change) => {
        progress = Math.max(progress, change.revision - 1);
        sink.event(type, object, formatWatchPosition(change.revision, change.index), change);
      },
      progress: (revision) => (progress = Math.max(progress, revision)),
      end: (err) => stop(new TooOldError(`${TOO_OLD_MESSAGE} (${err.message})`)),
    };
    let detach: () => void;
    if (cache.subscribe(watcher)) {
      detach = () => cache.unsubscribe(watcher);
    } else {
      // Older than the cache's ring: this watcher reads etcd's history itself, over the whole
      // kind so changes are numbered within their revision exactly as the cache numbers them,
      // until it has caught up with the ring; then it joins the cache and its etcd watch ends.
      this.log.info({ kind, resourceVersion: q.resourceVersion }, 'watch starts before the watch cache; reading etcd history until caught up');
      const indexer = new RevisionIndexer();
      let joined = false;
      this.directWatches++;
      this.historyWatchesStarted++;
      const joinCache = (): void => {
        if (!cache.subscribe(watcher)) return;
        joined = true;
        direct.close();
        this.directWatches--;
        detach = () => cache.unsubscribe(watcher);
      };
      const direct = watchPrefix(this.client, storagePrefix(kind), after.index === Infinity ? after.revision + 1 : after.revision, {
        onEvents: (events) => {
          if (joined) return;
          for (const ev of events) {
            const change = this.decodeChange(kind, ev, indexer.indexOf(Number(ev.kv.mod_revision)));
            if (!isAfter(change.revision, change.index, watcher.after)) continue;
            const out = filterChange(filter, change);
            if (out) watcher.deliver(out.type, out.object, change);
          }
          // Events come in whole revisions: all of the last one has been seen.
          watcher.after = { revision: Number(events[events.length - 1].kv.mod_revision), index: Infinity };
          joinCache();
        },
        onProgress: (revision) => {
          if (joined) return;
          watcher.progress(revision);
          watcher.after = { revision, index: Infinity };
          joinCache();
        },
        onCompacted: () => stop(new TooOldError(TOO_OLD_MESSAGE)),
      }, this.log.child({ kind, direct: true }));
      detach = () => {
        direct.close();
        this.directWatches--;
      };
    }
    const timer = q.allowBookmarks ? setInterval(() => sink.event('BOOKMARK', undefined, String(progress)), this.bookmarkIntervalMs) : undefined;
    function stop(err?: Error): void {
      if (ended) return;
      ended = true;
      if (timer) clearInterval(timer);
      detach();
      if (err) sink.end(err);
    }
    return () => stop();
  }

  async etcdVersion(): Promise<string> {
    const s = await this.client.maintenance.status();
    return s.version;
  }
}
