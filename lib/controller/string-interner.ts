import type { ObjectMeta } from '../api/types';

/**
 * Canonical copies of strings that repeat across many cached objects (namespaces, label values,
 * owner names and uids, node names, condition types): every decoded message carries its own copy
 * of each. Bounded: once `max` distinct strings are held it starts over, so high-cardinality
 * values cost at most a full map, never unbounded growth.
 */
export class StringInterner {
  private readonly m = new Map<string, string>();

  constructor(private readonly max = 50_000) {}

  get(s: string): string {
    if (!s) return s;
    const c = this.m.get(s);
    if (c !== undefined) return c;
    if (this.m.size >= this.max) this.m.clear();
    this.m.set(s, s);
    return s;
  }

  record(r: Readonly<Record<string, string>> | undefined): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(r ?? {})) out[this.get(k)] = this.get(v);
    return out;
  }

  get size(): number {
    return this.m.size;
  }
}

/** The identity part of an object's metadata for a reduced cache copy, strings interned. */
export function identityMeta(m: ObjectMeta, s: StringInterner): Partial<ObjectMeta> {
  return {
    name: m.name,
    namespace: s.get(m.namespace),
    uid: m.uid,
    resourceVersion: m.resourceVersion,
    generation: m.generation,
    deletionTimestamp: m.deletionTimestamp,
  };
}
