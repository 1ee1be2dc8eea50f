import type { KindName, ObjectMeta, OwnerReference } from '../../../lib/api';

export const FOREGROUND_FINALIZER = 'foregroundDeletion';
export const ORPHAN_FINALIZER = 'orphan';

export interface GcObject {
  /** The API's plural ("replicasets"): a shared constant, not a string per cached object. */
  plural: KindName;
  kind: string;
  meta: GcMeta;
}

/** What the garbage collector reads of an object's metadata (the pod cache keeps no more). */
export type GcMeta = Pick<ObjectMeta, 'name' | 'namespace' | 'uid' | 'deletionTimestamp'> & {
  ownerReferences: readonly OwnerReference[];
  finalizers: readonly string[];
};

export interface GcPlan {
  /** Dependents whose owners are all gone (verify with a live read before deleting). */
  deleteOrphaned: GcObject[];
  /** Dependents of owners being deleted in the foreground: delete them, foreground too. */
  deleteForeground: GcObject[];
  /** Dependents to strip of the owner references listed. */
  orphan: { obj: GcObject; ownerUids: string[] }[];
  /** Owners whose finalizer can go: no dependents left. */
  removeFinalizer: { obj: GcObject; finalizer: string }[];
}

/**
 * The garbage collector's compute step over every object of the kinds it tracks. Background:
 * a dependent whose owners are all absent is deleted. Foreground (owner terminating with the
 * foregroundDeletion finalizer): dependents are deleted, then the finalizer is removed. Orphan:
 * owner references are removed from the dependents, then the "orphan" finalizer.
 */
export function planGc(objects: readonly GcObject[]): GcPlan {
  const byUid = new Map<string, GcObject>();
  for (const o of objects) if (o.meta.uid) byUid.set(o.meta.uid, o);
  const dependents = new Map<string, GcObject[]>();
  for (const o of objects) {
    for (const r of o.meta.ownerReferences ?? []) {
      let list = dependents.get(r.uid);
      if (!list) dependents.set(r.uid, (list = []));
      list.push(o);
    }
  }
  const plan: GcPlan = { deleteOrphaned: [], deleteForeground: [], orphan: [], removeFinalizer: [] };
  for (const o of objects) {
    const refs = o.meta.ownerReferences ?? [];
    if (refs.length && !o.meta.deletionTimestamp && refs.every((r) => !ownerPresent(r, byUid))) plan.deleteOrphaned.push(o);
  }
  for (const owner of objects) {
    if (!owner.meta.deletionTimestamp) continue;
    const deps = dependents.get(owner.meta.uid) ?? [];
    const finalizers = owner.meta.finalizers ?? [];
    if (finalizers.includes(ORPHAN_FINALIZER)) {
      for (const d of deps) plan.orphan.push({ obj: d, ownerUids: [owner.meta.uid] });
      if (!deps.length) plan.removeFinalizer.push({ obj: owner, finalizer: ORPHAN_FINALIZER });
    } else if (finalizers.includes(FOREGROUND_FINALIZER)) {
      for (const d of deps) if (!d.meta.deletionTimestamp) plan.deleteForeground.push(d);
      if (!deps.length) plan.removeFinalizer.push({ obj: owner, finalizer: FOREGROUND_FINALIZER });
    }
  }
  return plan;
}

/**
 * The part of planGc's plan that concerns one object, judged from its neighbourhood (itself,
 * its present owners, its dependents): whether it is orphaned, and what its own deletion
 * (foreground or orphan) asks of its dependents and finalizers. Actions about other objects in
 * the neighbourhood are left out: their own neighbourhoods decide those.
 */
export function planGcFor(uid: string, neighbourhood: readonly GcObject[]): GcPlan {
  const p = planGc(neighbourhood);
  const isSelf = (o: GcObject): boolean => o.meta.uid === uid;
  const ownedBySelf = (o: GcObject): boolean => (o.meta.ownerReferences ?? []).some((r) => r.uid === uid);
  return {
    deleteOrphaned: p.deleteOrphaned.filter(isSelf),
    deleteForeground: p.deleteForeground.filter(ownedBySelf),
    orphan: p.orphan.filter((o) => o.ownerUids.includes(uid)).map((o) => ({ obj: o.obj, ownerUids: [uid] })),
    removeFinalizer: p.removeFinalizer.filter((r) => isSelf(r.obj)),
  };
}

/** Whether a change to this object can call for GC work: an owner is missing, or it is being deleted with a GC finalizer. */
export function needsGc(o: GcObject, ownerKnown: (ref: OwnerReference) => boolean): boolean {
  const refs = o.meta.ownerReferences ?? [];
  if (refs.some((r) => !ownerKnown(r))) return true;
  const f = o.meta.finalizers ?? [];
  return !!o.meta.deletionTimestamp && (f.includes(FOREGROUND_FINALIZER) || f.includes(ORPHAN_FINALIZER));
}

function ownerPresent(r: OwnerReference, byUid: Map<string, GcObject>): boolean {
  const o = byUid.get(r.uid);
  return !!o && o.kind === r.kind;
}
