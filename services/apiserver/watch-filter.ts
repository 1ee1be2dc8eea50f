import type { AnyObject } from '../../lib/api/kinds';
import type { FieldMatcher, LabelMatcher } from '../../lib/selectors';
import { fieldValuesOf } from '../../lib/selectors';

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One stored change. `object` of a DELETED change is the last stored state. */
export interface Change {
  readonly type: ChangeType;
  readonly revision: number;
  /** Position among the changes of its revision (one etcd txn may store many objects). */
  readonly index: number;
  readonly object: AnyObject;
  /** The state before a MODIFIED change. */
  readonly prev?: AnyObject;
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
 * at the change's resourceVersion). `object` is set only when it is not the change's own
 * object; a watcher without a filter looks at neither state, so neither need be decoded.
 */
export function filterChange(f: WatchFilter, c: Change): { type: ChangeType; object?: AnyObject } | undefined {
  if (!f.namespace && f.labels.empty && f.fields.empty) return { type: c.type };
  const now = objectMatches(f, c.object);
  const prev = c.type === 'MODIFIED' ? c.prev : undefined;
  if (prev === undefined) return now ? { type: c.type } : undefined;
  const before = objectMatches(f, prev);
  if (now) return { type: before ? 'MODIFIED' : 'ADDED' };
  if (!before) return undefined;
  return { type: 'DELETED', object: { ...prev, metadata: { ...prev.metadata!, resourceVersion: String(c.revision) } } as AnyObject };
}
