import type { AnyObject } from '../../lib/api/kinds';
import type { FieldMatcher, LabelMatcher } from '../../lib/selectors';
import { fieldValuesOf } from '../../lib/selectors';

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One stored change, decoded. `object` of a DELETED change is the last stored state. */
export interface Change {
  type: ChangeType;
  revision: number;
  /** Position among the changes of its revision (one etcd txn may store many objects). */
  index: number;
  object: AnyObject;
  /** The state before a MODIFIED change. */
  prev?: AnyObject;
}

export interface WatchFilter {
  /** "" for every namespace. */
  namespace: string;
  labels: LabelMatcher;
  fields: FieldMatcher;
}

export function objectMatches(f: WatchFilter, obj: AnyObject): boolean {
  const meta = obj.metadata;
  if (f.namespace && meta?.namespace !== f.namespace) return false;
  if (!f.labels.empty && !f.labels.matches(meta?.labels)) return false;
  return f.fields.empty || f.fields.matches(fieldValuesOf(obj));
}

/**
 * What a filtered watcher sees of a change (Kubernetes semantics): an object that starts
 * matching arrives as ADDED, one that stops matching as DELETED (its last matching state,
 * at the change's resourceVersion).
 */
export function filterChange(f: WatchFilter, c: Change): { type: ChangeType; object: AnyObject } | undefined {
  const now = objectMatches(f, c.object);
  if (c.type !== 'MODIFIED' || c.prev === undefined) return now ? { type: c.type, object: c.object } : undefined;
  const before = objectMatches(f, c.prev);
  if (now) return { type: before ? 'MODIFIED' : 'ADDED', object: c.object };
  if (!before) return undefined;
  return { type: 'DELETED', object: { ...c.prev, metadata: { ...c.prev.metadata!, resourceVersion: String(c.revision) } } as AnyObject };
}
