import { KINDS, type AnyObject, type KindName } from '../../lib/api/kinds';
import type { Condition, ObjectMeta } from '../../lib/api/types';

// Pure rules for what the server sets on each write: no I/O, table-tested.

export const FOREGROUND_FINALIZER = 'foregroundDeletion';
export const ORPHAN_FINALIZER = 'orphan';
export const DEFAULT_POD_GRACE_SECONDS = 30;

type WithSpec = AnyObject & { spec?: unknown; status?: unknown };

/** Generated-name suffix like Kubernetes': 5 characters without vowels or look-alikes. */
export function nameSuffix(random: () => number = Math.random): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let s = '';
  for (let i = 0; i < 5; i++) s += alphabet[Math.floor(random() * alphabet.length)];
  return s;
}

export function rfc3339(now: Date): string {
  return now.toISOString();
}

/** Fills the server-owned metadata of a new object (in place). */
export function prepareCreate(kind: KindName, obj: AnyObject, now: Date, uid: string): void {
  const meta = (obj.metadata ??= {} as ObjectMeta);
  if (KINDS[kind].namespaced && !meta.namespace) meta.namespace = 'default';
  if (!KINDS[kind].namespaced) meta.namespace = '';
  meta.uid = uid;
  meta.creationTimestamp = rfc3339(now);
  meta.generation = 1;
  meta.resourceVersion = '';
  meta.deletionTimestamp = '';
  meta.deletionGracePeriodSeconds = 0;
}

function specOf(obj: AnyObject): unknown {
  return (obj as WithSpec).spec;
}

export function specChanged(kind: KindName, a: AnyObject, b: AnyObject, encodeSpec: (kind: KindName, o: AnyObject) => Buffer): boolean {
  if (specOf(a) === undefined && specOf(b) === undefined) return false;
  return !encodeSpec(kind, a).equals(encodeSpec(kind, b));
}

/**
 * The object an Update stores: the caller's metadata (labels, annotations, finalizers, owners)
 * and spec; the stored status and server-owned metadata.
 */
export function mergeUpdate(current: AnyObject, incoming: AnyObject, specDiffers: boolean): AnyObject {
  const cur = current.metadata as ObjectMeta;
  const inc = incoming.metadata as ObjectMeta;
  const next = { ...incoming } as WithSpec;
  if ('status' in current) next.status = (current as WithSpec).status;
  next.metadata = {
    ...inc,
    name: cur.name,
    namespace: cur.namespace,
    generateName: cur.generateName,
    uid: cur.uid,
    creationTimestamp: cur.creationTimestamp,
    deletionTimestamp: cur.deletionTimestamp,
    deletionGracePeriodSeconds: cur.deletionGracePeriodSeconds,
    generation: cur.generation + (specDiffers ? 1 : 0),
    resourceVersion: '',
  };
  return next as AnyObject;
}

/**
 * Conditions merge by type: an incoming condition replaces the stored one of its type and
 * the others stay. lastTransitionTime moves only when the status value changes.
 */
export function mergeConditions(stored: readonly Condition[], incoming: readonly Condition[], now: string): Condition[] {
  const out = stored.map((c) => ({ ...c }));
  for (const c of incoming) {
    const i = out.findIndex((s) => s.type === c.type);
    const prev = i >= 0 ? out[i] : undefined;
    const transition = prev && prev.status === c.status ? prev.lastTransitionTime || c.lastTransitionTime : c.lastTransitionTime || now;
    const merged = { ...c, lastTransitionTime: transition };
    if (i >= 0) out[i] = merged;
    else out.push(merged);
  }
  return out;
}

/** The object an UpdateStatus stores: everything as stored except status (conditions merged). */
export function mergeStatus<T extends AnyObject>(current: T, incomingStatus: unknown, now: string): T {
  const cur = (current as WithSpec).status as { conditions?: Condition[] } | undefined;
  const inc = (incomingStatus ?? {}) as { conditions?: Condition[] };
  const status = { ...inc };
  if (inc.conditions !== undefined || cur?.conditions !== undefined) status.conditions = mergeConditions(cur?.conditions ?? [], inc.conditions ?? [], now);
  return { ...current, metadata: { ...current.metadata, resourceVersion: '' }, status } as T;
}

function isBoundPod(kind: KindName, obj: AnyObject): boolean {
  return kind === 'pods' && !!(obj as { spec?: { nodeName?: string } }).spec?.nodeName;
}

/**
 * Whether an object marked for deletion may leave storage now: no finalizers left and, for
 * a pod on a node, its agent has confirmed (a force delete with grace 0 sets the grace to 0).
 */
export function removable(kind: KindName, obj: AnyObject): boolean {
  const meta = obj.metadata as ObjectMeta;
  if (!meta.deletionTimestamp || meta.finalizers.length > 0) return false;
  return !isBoundPod(kind, obj) || meta.deletionGracePeriodSeconds === 0;
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy: string;
  force: boolean;
}

export type DeletePlan = { action: 'remove' } | { action: 'mark'; object: AnyObject } | { action: 'none' };

/** What a Delete call does to the stored object. */
export function planDelete(kind: KindName, current: AnyObject, opts: DeleteOptions, now: Date): DeletePlan {
  const meta = current.metadata as ObjectMeta;
  const confirm = opts.force && opts.gracePeriodSeconds === 0;
  const defaultGrace = kind === 'pods' ? Number((current as { spec?: { terminationGracePeriodSeconds?: number } }).spec?.terminationGracePeriodSeconds) || DEFAULT_POD_GRACE_SECONDS : 0;
  const grace = confirm ? 0 : (opts.gracePeriodSeconds ?? defaultGrace);
  const finalizers = [...meta.finalizers];
  if (!meta.deletionTimestamp) {
    if (opts.propagationPolicy === 'Foreground' && !finalizers.includes(FOREGROUND_FINALIZER)) finalizers.push(FOREGROUND_FINALIZER);
    if (opts.propagationPolicy === 'Orphan' && !finalizers.includes(ORPHAN_FINALIZER)) finalizers.push(ORPHAN_FINALIZER);
  }
  const marked = {
    ...current,
    metadata: {
      ...meta,
      finalizers,
      resourceVersion: '',
      deletionTimestamp: meta.deletionTimestamp || rfc3339(now),
      // A later delete may shorten the grace period, never lengthen it (Kubernetes' rule).
      deletionGracePeriodSeconds: meta.deletionTimestamp ? Math.min(meta.deletionGracePeriodSeconds, grace) : grace,
    },
  } as AnyObject;
  if (removable(kind, marked)) return { action: 'remove' };
  const m = marked.metadata as ObjectMeta;
  if (meta.deletionTimestamp && m.deletionGracePeriodSeconds === meta.deletionGracePeriodSeconds && finalizers.length === meta.finalizers.length) return { action: 'none' };
  return { action: 'mark', object: marked };
}

/**
 * `kubectl apply`'s merge, simplified to whole fields: the manifest's spec, labels,
 * annotations and owner references replace the stored ones; status, uid, creation time,
 * finalizers, deletion state and a pod's nodeName are kept.
 */
export function mergeApply(kind: KindName, stored: AnyObject, manifest: AnyObject, specDiffers: (a: AnyObject, b: AnyObject) => boolean): AnyObject {
  const sm = stored.metadata as ObjectMeta;
  const mm = manifest.metadata as ObjectMeta;
  const next = { ...stored, metadata: { ...sm, resourceVersion: '' } } as WithSpec;
  if ('spec' in manifest) {
    next.spec = (manifest as WithSpec).spec;
    if (kind === 'pods') {
      const nodeName = (stored as { spec?: { nodeName?: string } }).spec?.nodeName;
      if (nodeName) next.spec = { ...(next.spec as object), nodeName };
    }
  }
  if (kind === 'events') Object.assign(next, manifest, { metadata: next.metadata });
  const meta = next.metadata as ObjectMeta;
  meta.labels = { ...mm.labels };
  meta.annotations = { ...mm.annotations };
  if (mm.ownerReferences.length > 0) meta.ownerReferences = mm.ownerReferences;
  if (specDiffers(stored, next as AnyObject)) meta.generation = sm.generation + 1;
  return next as AnyObject;
}
