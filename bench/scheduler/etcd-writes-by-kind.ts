// Where the etcd writes went, by kind: etcd keeps a per-key `version` (writes since the key was
// created), so summing it over /registry/<kind>/ tells creates + updates of every object still
// stored. Objects deleted meanwhile are not counted; the global counters cover those.
const REGISTRY = '/registry/';
const PAGE = 5000;

export interface KindWrites {
  kind: string;
  keys: number;
  /** Sum of the keys' versions: one per create and per later update. */
  writes: number;
}

interface RangeKv {
  key: string;
  version?: string;
}

/** Kind plural from an etcd key ("/registry/pods/default/x" → "pods"); undefined outside /registry/. */
export function kindOfKey(key: string): string | undefined {
  if (!key.startsWith(REGISTRY)) return undefined;
  const kind = key.slice(REGISTRY.length).split('/')[0];
  return kind || undefined;
}

/** Adds one page of `key → version` pairs into per-kind totals. */
export function addWrites(totals: Map<string, KindWrites>, kvs: readonly { key: string; version: number }[]): void {
  for (const kv of kvs) {
    const kind = kindOfKey(kv.key);
    if (!kind) continue;
    const t = totals.get(kind) ?? { kind, keys: 0, writes: 0 };
    t.keys++;
    t.writes += kv.version;
    totals.set(kind, t);
  }
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/** Reads every key under /registry/ (keys only, in pages) through etcd's JSON gateway. */
export async function readWritesByKind(endpoint: string): Promise<KindWrites[]> {
  const totals = new Map<string, KindWrites>();
  const end = b64('/registry0'); // '0' follows '/': the end of the /registry/ prefix
  let from = b64(REGISTRY);
  for (;;) {
    const res = await fetch(`${endpoint}/v3/kv/range`, { method: 'POST', body: JSON.stringify({ key: from, range_end: end, keys_only: true, limit: PAGE }) });
    const body = (await res.json()) as { kvs?: RangeKv[]; more?: boolean };
    const kvs = (body.kvs ?? []).map((kv) => ({ key: Buffer.from(kv.key, 'base64').toString('utf8'), version: Number(kv.version ?? 0) }));
    addWrites(totals, kvs);
    if (!body.more || kvs.length === 0) break;
    from = b64(`${kvs[kvs.length - 1].key}\0`);
  }
  return [...totals.values()].sort((a, b) => b.writes - a.writes);
}
