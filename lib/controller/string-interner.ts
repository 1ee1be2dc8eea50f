import type { OwnerReference } from '../api/types';

/**
 * Canonical copies of strings that repeat across many cached objects (namespaces, label values,
 * owner names and uids, node names, condition types): every decoded message carries its own copy
 * of each. Bounded: once `max` distinct strings are held it starts over, so high-cardinality
 * values cost at most a full map, never unbounded growth.
 */
export class StringInterner {
  private readonly m = new Map<string, string>();
  /** Frozen shared copies of label maps and owner lists, by content (every pod of a ReplicaSet has the same). */
  private readonly shapes = new Map<string, object>();

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

  /** One frozen copy per distinct label map: callers must only read it (a cache is read-only anyway). */
  sharedRecord(r: Readonly<Record<string, string>> | undefined): Readonly<Record<string, string>> {
    const entries = Object.entries(r ?? {});
    const key = `r\0${entries.map(([k, v]) => `${k}\0${v}`).join('\0')}`;
    return this.shape(key, () => Object.freeze(this.record(r)));
  }

  /** One frozen copy per distinct list of owner references. */
  sharedOwners(refs: readonly OwnerReference[]): readonly OwnerReference[] {
    const key = `o\0${refs.map((o) => `${o.apiVersion}\0${o.kind}\0${o.name}\0${o.uid}\0${o.controller}\0${o.blockOwnerDeletion}`).join('\0')}`;
    return this.shape(key, () => Object.freeze(refs.map((o) => Object.freeze({ ...o, apiVersion: this.get(o.apiVersion), kind: this.get(o.kind), name: this.get(o.name), uid: this.get(o.uid) }))));
  }

  /**
   * One frozen copy per `key` of an object many cached objects hold alike (a pod's status once it
   * runs): `make` builds it the first time. The key must say everything the object holds.
   */
  shared<T extends object>(key: string, make: () => T): Readonly<T> {
    return this.shape(`s\0${key}`, () => Object.freeze(make()));
  }

  get size(): number {
    return this.m.size;
  }

  private shape<T extends object>(key: string, make: () => T): T {
    const c = this.shapes.get(key);
    if (c !== undefined) return c as T;
    if (this.shapes.size >= this.max) this.shapes.clear();
    const v = make();
    this.shapes.set(key, v);
    return v;
  }
}
