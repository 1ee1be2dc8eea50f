import { Object as ApiObjectCodec } from '../../proto/gen/berth/v1/api';
import { Pod, Deployment, ReplicaSet, Node, Lease, Event } from '../../lib/api/types';
import { encodeMessage } from '../../lib/api/proto-writer';
import { unwrap, wrap, type AnyObject, type KindName, type TypedObjects } from '../../lib/api/kinds';

// Stored value = protobuf encoding of the Object wrapper, without resourceVersion (that is
// the etcd mod revision, set on every read).

/** etcd's default request limit; objects above it cannot be stored. */
export const MAX_OBJECT_BYTES = 1.5 * 1024 * 1024;

export function encodeObject<K extends KindName>(kind: K, obj: TypedObjects[K]): Buffer {
  const meta = obj.metadata ? { ...obj.metadata, resourceVersion: '' } : undefined;
  return encodeMessage(ApiObjectCodec, wrap(kind, { ...obj, metadata: meta } as TypedObjects[K]));
}

export function decodeObject<K extends KindName>(kind: K, value: Uint8Array, modRevision: string): TypedObjects[K] {
  const obj = unwrap(kind, ApiObjectCodec.decode(value));
  if (obj.metadata) obj.metadata.resourceVersion = modRevision;
  return obj;
}

const SPEC_CODECS: Partial<Record<KindName, { encode(o: AnyObject): Buffer }>> = {
  pods: { encode: (o) => encodeMessage(Pod, Pod.fromPartial({ spec: (o as Pod).spec })) },
  deployments: { encode: (o) => encodeMessage(Deployment, Deployment.fromPartial({ spec: (o as Deployment).spec })) },
  replicasets: { encode: (o) => encodeMessage(ReplicaSet, ReplicaSet.fromPartial({ spec: (o as ReplicaSet).spec })) },
  nodes: { encode: (o) => encodeMessage(Node, Node.fromPartial({ spec: (o as Node).spec })) },
  leases: { encode: (o) => encodeMessage(Lease, Lease.fromPartial({ spec: (o as Lease).spec })) },
};

/** The encoded spec alone: two objects' specs are equal when these bytes are (generation bumps). */
export function encodeSpec(kind: KindName, obj: AnyObject): Buffer {
  return SPEC_CODECS[kind]?.encode(obj) ?? Buffer.alloc(0);
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
