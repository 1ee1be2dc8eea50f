import type { ApiObject, ObjectMeta, Pod, Deployment, ReplicaSet, Node, Event, Lease } from './types';

/** The kinds berth stores, by plural resource name (the name used in keys, subjects and the API). */
export type KindName = 'pods' | 'deployments' | 'replicasets' | 'nodes' | 'events' | 'leases';

export interface TypedObjects {
  pods: Pod;
  deployments: Deployment;
  replicasets: ReplicaSet;
  nodes: Node;
  events: Event;
  leases: Lease;
}

export type AnyObject = TypedObjects[KindName];

export interface KindInfo {
  plural: KindName;
  /** Kubernetes' kind name, as in manifests. */
  kind: string;
  apiVersion: string;
  /** The field of the Object wrapper that holds this kind. */
  field: keyof ApiObject;
  namespaced: boolean;
  /** Names the CLI accepts, like kubectl's (singular, plural, short names). */
  aliases: string[];
}

export const KINDS: Record<KindName, KindInfo> = {
  pods: { plural: 'pods', kind: 'Pod', apiVersion: 'v1', field: 'pod', namespaced: true, aliases: ['pod', 'po'] },
  deployments: { plural: 'deployments', kind: 'Deployment', apiVersion: 'apps/v1', field: 'deployment', namespaced: true, aliases: ['deployment', 'deploy'] },
  replicasets: { plural: 'replicasets', kind: 'ReplicaSet', apiVersion: 'apps/v1', field: 'replicaSet', namespaced: true, aliases: ['replicaset', 'rs'] },
  nodes: { plural: 'nodes', kind: 'Node', apiVersion: 'v1', field: 'node', namespaced: false, aliases: ['node', 'no'] },
  events: { plural: 'events', kind: 'Event', apiVersion: 'v1', field: 'event', namespaced: true, aliases: ['event', 'ev'] },
  leases: { plural: 'leases', kind: 'Lease', apiVersion: 'coordination.k8s.io/v1', field: 'lease', namespaced: true, aliases: ['lease'] },
};

export const KIND_NAMES = Object.keys(KINDS) as KindName[];

/** Resolves a user-typed kind ("deploy", "Pod", "replicasets") to its plural name, or undefined. */
export function resolveKind(typed: string): KindName | undefined {
  const t = typed.toLowerCase();
  for (const info of Object.values(KINDS)) {
    if (info.plural === t || info.kind.toLowerCase() === t || info.aliases.includes(t)) return info.plural;
  }
  return undefined;
}

/** The kind of a manifest's `kind:` value ("Deployment"), or undefined. */
export function kindByManifestKind(kind: string): KindInfo | undefined {
  return Object.values(KINDS).find((k) => k.kind === kind);
}

/** Which kind an Object wrapper holds. Throws if it holds none (a programming error). */
export function kindOf(obj: ApiObject): KindName {
  for (const info of Object.values(KINDS)) if (obj[info.field] !== undefined) return info.plural;
  throw new Error('Object holds no kind');
}

export function unwrap<K extends KindName>(kind: K, obj: ApiObject): TypedObjects[K] {
  const v = obj[KINDS[kind].field];
  if (v === undefined) throw new Error(`Object holds no ${KINDS[kind].kind}`);
  return v as TypedObjects[K];
}

export function unwrapAny(obj: ApiObject): { kind: KindName; object: AnyObject } {
  const kind = kindOf(obj);
  return { kind, object: unwrap(kind, obj) };
}

export function wrap<K extends KindName>(kind: K, object: TypedObjects[K]): ApiObject {
  return { [KINDS[kind].field]: object } as unknown as ApiObject;
}

export function metaOf(obj: AnyObject): ObjectMeta {
  if (!obj.metadata) throw new Error('object has no metadata');
  return obj.metadata;
}

/** etcd key of an object: /registry/<plural>/<namespace>/<name>, or /registry/<plural>/<name> if cluster-scoped. */
export function storageKey(kind: KindName, namespace: string, name: string): string {
  return KINDS[kind].namespaced ? `/registry/${kind}/${namespace}/${name}` : `/registry/${kind}/${name}`;
}

/** etcd key prefix of a kind, optionally narrowed to one namespace. */
export function storagePrefix(kind: KindName, namespace?: string): string {
  return KINDS[kind].namespaced && namespace ? `/registry/${kind}/${namespace}/` : `/registry/${kind}/`;
}

/** "default/web-1" or "n1": the work-queue key of an object. */
export function objectKey(meta: Pick<ObjectMeta, 'namespace' | 'name'>): string {
  return meta.namespace ? `${meta.namespace}/${meta.name}` : meta.name;
}

export function splitKey(key: string): { namespace: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { namespace: '', name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

export const SYSTEM_NAMESPACE = 'berth-system';
