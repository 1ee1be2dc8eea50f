import type { ObjectMeta, OwnerReference } from '../api';

/** The controlling owner reference of an object (controller: true), if any. */
export function controllerRef(meta: ObjectMeta | undefined): OwnerReference | undefined {
  return meta?.ownerReferences?.find((r) => r.controller);
}

/** Index function: the uid of an object's controlling owner. */
export function byControllerUid(obj: { metadata?: ObjectMeta }): string[] {
  const ref = controllerRef(obj.metadata);
  return ref ? [ref.uid] : [];
}

export function isTerminating(obj: { metadata?: ObjectMeta }): boolean {
  return !!obj.metadata?.deletionTimestamp;
}
