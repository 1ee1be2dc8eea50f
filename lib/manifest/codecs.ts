import { Deployment, Event, Lease, Node, Pod, ReplicaSet } from '../api/types';
import type { KindName, TypedObjects } from '../api/kinds';

export interface Codec<T> {
  fromJSON(object: unknown): T;
  toJSON(message: T): unknown;
}

/** The generated JSON codec of each kind. */
export const CODECS: { [K in KindName]: Codec<TypedObjects[K]> } = {
  pods: Pod,
  deployments: Deployment,
  replicasets: ReplicaSet,
  nodes: Node,
  events: Event,
  leases: Lease,
};
