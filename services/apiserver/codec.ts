import { Object as ApiObjectCodec } from '../../proto/gen/berth/v1/api';
import { Pod, Deployment, ReplicaSet, Node, Lease, Event } from '../../lib/api/types';
import { unwrap, wrap, type AnyObject, type KindName, type TypedObjects } from '../../lib/api/kinds';

// Stored value = protobuf encoding of the Object wrapper, without resourceVersion (that is
// the etcd mod revision, set on every read).

/** etcd's default request limit; objects above it cannot be stored. */
export const MAX_OBJECT_BYTES = 1.5 * 1024 * 1024;

export function encodeObject<K extends KindName>(kind: K, obj: TypedObjects[K]): Buffer {
  const meta = obj.metadata ? { ...obj.metadata, resourceVersion: '' } : undefined;
  return Buffer.from(ApiObjectCodec.encode(wrap(kind, { ...obj, metadata: meta } as TypedObjects[K])).finish());
}

export function decodeObject<K extends KindName>(kind: K, value: Uint8Array, modRevision: string): TypedObjects[K] {
  const obj = unwrap(kind, ApiObjectCodec.decode(value));
  if (obj.metadata) obj.metadata.resourceVersion = modRevision;
  return obj;
}

const SPEC_CODECS: Partial<Record<KindName, { encode(o: AnyObject): Uint8Array }>> = {
  pods: { encode: (o) => Pod.encode(Pod.fromPartial({ spec: (o as Pod).spec })).finish() },
  deployments: { encode: (o) => Deployment.encode(Deployment.fromPartial({ spec: (o as Deployment).spec })).finish() },
  replicasets: { encode: (o) => ReplicaSet.encode(ReplicaSet.fromPartial({ spec: (o as ReplicaSet).spec })).finish() },
  nodes: { encode: (o) => Node.encode(Node.fromPartial({ spec: (o as Node).spec })).finish() },
  leases: { encode: (o) => Lease.encode(Lease.fromPartial({ spec: (o as Lease).spec })).finish() },
};

/** The encoded spec alone: two objects' specs are equal when these bytes are (generation bumps). */
export function encodeSpec(kind: KindName, obj: AnyObject): Buffer {
  const codec = SPEC_CODECS[kind];
  return codec ? Buffer.from(codec.encode(obj)) : Buffer.alloc(0);
}

/** Whole-object equality on the stored encoding (apply's "unchanged"). */
export function sameStored<K extends KindName>(kind: K, a: TypedObjects[K], b: TypedObjects[K]): boolean {
  return encodeObject(kind, a).equals(encodeObject(kind, b));
}


const CODECS: Record<KindName, { fromPartial(o: object): AnyObject }> = { pods: Pod, deployments: Deployment, replicasets: ReplicaSet, nodes: Node, leases: Lease, events: Event };

/** Fills every absent field with its proto default, so merged partial objects encode. */
export function normalize<K extends KindName>(kind: K, obj: TypedObjects[K]): TypedObjects[K] {
  return CODECS[kind].fromPartial(obj) as TypedObjects[K];
}
