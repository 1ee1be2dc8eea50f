// etcd's own counters, read over its HTTP endpoints: the store revision (one per committed
// txn, so group commit shares one among many objects) and the keys put and deleted.
export interface EtcdCounters {
  revision: number;
  puts: number;
  deletes: number;
}

/** A counter's value from Prometheus text exposition (0 when absent). */
export function metricValue(text: string, name: string): number {
  return Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
}

export async function readEtcdCounters(endpoint: string): Promise<EtcdCounters> {
  const status = (await (await fetch(`${endpoint}/v3/maintenance/status`, { method: 'POST', body: '{}' })).json()) as { header?: { revision?: string } };
  const metrics = await (await fetch(`${endpoint}/metrics`)).text();
  return { revision: Number(status.header?.revision ?? 0), puts: metricValue(metrics, 'etcd_mvcc_put_total'), deletes: metricValue(metrics, 'etcd_mvcc_delete_total') };
}

export const counterDelta = (a: EtcdCounters, b: EtcdCounters): EtcdCounters => ({ revision: b.revision - a.revision, puts: b.puts - a.puts, deletes: b.deletes - a.deletes });
