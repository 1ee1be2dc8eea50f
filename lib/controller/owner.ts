import type { ObjectMeta, OwnerReference } from '../api';

/** The controlling owner reference of an object (controller: true), if any. */
export function controllerRef<R extends Pick<OwnerReference, 'controller'> = OwnerReference>(meta: { ownerReferences?: readonly R[] } | undefined): R | undefined {
  return meta?.ownerReferences?.find((r) => r.controller);
}

/** Index function: the uid of an object's controlling owner. */
export function byControllerUid(obj: { metadata?: { ownerReferences?: readonly Pick<OwnerReference, 'controller' | 'uid'>[] } }): string[] {
  const ref = controllerRef(obj.metadata);
  return ref ? [ref.uid] : [];
}

export function isTerminating(obj: { metadata?: Pick<ObjectMeta, 'deletionTimestamp'> }): boolean {
  return !!obj.metadata?.deletionTimestamp;
}
