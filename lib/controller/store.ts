/** Computes the index values of an object (e.g. its namespace, its spec.nodeName). */
export type IndexFunc<T> = (obj: T) => string[];

/**
 * The informer's local cache: objects by key plus secondary indexes (client-go's
 * ThreadSafeStore + Indexer). Readers must treat returned objects as read-only and copy
 * before modifying (STYLE.md 3).
 */
export class Store<T> {
  private items = new Map<string, T>();
  /** index name → value → key → object (the objects themselves, so byIndex is one copy). */
  private indices = new Map<string, Map<string, Map<string, T>>>();

  /** The indexers with their maps, listed once (set() runs for every watch event). */
  private readonly indexers: { fn: IndexFunc<T>; m: Map<string, Map<string, T>> }[];

  constructor(indexers: Record<string, IndexFunc<T>> = {}) {
    this.indexers = Object.entries(indexers).map(([name, fn]) => {
      const m = new Map<string, Map<string, T>>();
      this.indices.set(name, m);
      return { fn, m };
    });
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  has(key: string): boolean {
    return this.items.has(key);
  }

  list(): T[] {
    return [...this.items.values()];
  }

  keys(): string[] {
    return [...this.items.keys()];
  }

  get size(): number {
    return this.items.size;
  }

  /** Objects whose index `name` holds `value`. */
  byIndex(name: string, value: string): T[] {
    const objs = this.indexMap(name).get(value);
    return objs ? [...objs.values()] : [];
  }

  /** Returns the previous object, if any. */
  set(key: string, obj: T): T | undefined {
    const old = this.items.get(key);
    if (old !== undefined) this.unindex(key, old);
    this.items.set(key, obj);
    this.index(key, obj);
    return old;
  }

  delete(key: string): T | undefined {
    const old = this.items.get(key);
    if (old === undefined) return undefined;
    this.unindex(key, old);
    this.items.delete(key);
    return old;
  }

  private indexMap(name: string): Map<string, Map<string, T>> {
    const m = this.indices.get(name);
    if (!m) throw new Error(`no index named ${name}`);
    return m;
  }

  private index(key: string, obj: T): void {
    for (const { fn, m } of this.indexers) {
      for (const v of fn(obj)) {
        let s = m.get(v);
        if (!s) m.set(v, (s = new Map()));
        s.set(key, obj);
      }
    }
  }

  private unindex(key: string, obj: T): void {
    for (const { fn, m } of this.indexers) {
      for (const v of fn(obj)) {
        const s = m.get(v);
        if (!s) continue;
        s.delete(key);
        if (s.size === 0) m.delete(v);
      }
    }
  }
}
