// Apiserver benchmark: pod creates/s through gRPC at 1/10/100 concurrent clients, and watch
// delivery latency (commit → watcher) at 60% of the peak rate. Real etcd + NATS on loopback.
// Run: npx tsc -p . && node dist/bench/apiserver/run.js
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiClient } from '../../lib/api/client';
import { Pod } from '../../lib/api/types';
import { startEtcd } from '../../lib/servers/etcd';
import { startNats } from '../../lib/servers/nats';
import { startApiserver } from '../../services/apiserver/apiserver';

const podOf = (ns: string, name: string): Pod =>
  Pod.fromPartial({ metadata: { name, namespace: ns, labels: { app: 'bench' } }, spec: { containers: [{ name: 'main', image: 'busybox:1.36' }] } });

async function createRate(clients: ApiClient[], concurrency: number, seconds: number, ns: string): Promise<number> {
  let done = 0;
  const end = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      const api = clients[w % clients.length];
      for (let i = 0; Date.now() < end; i++) {
        await api.create('pods', podOf(ns, `c${concurrency}-${w}-${i}`));
        done++;
      }
    }),
  );
  return done / seconds;
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-bench-api-'));
  const etcd = await startEtcd({ dataDir: path.join(dir, 'etcd'), logFile: path.join(dir, 'etcd.log') });
  const nats = await startNats({ logFile: path.join(dir, 'nats.log') });
  const server = await startApiserver({ etcd: etcd.endpoint, nats: nats.url, listen: '127.0.0.1:0' });
  const clients = Array.from({ length: 4 }, () => new ApiClient(server.address));
  const seconds = Number(process.env.BENCH_SECONDS ?? 8);
  const rows: string[] = [];
  let peak = 0;
  try {
    await createRate(clients, 10, 1, 'warm');
    for (const c of [1, 10, 100]) {
      const before = { ...server.store.commitStats };
      const rate = await createRate(clients, c, seconds, `n${c}`);
      const batches = server.store.commitStats.batches - before.batches;
      const ops = server.store.commitStats.ops - before.ops;
      peak = Math.max(peak, rate);
      rows.push(`| creates, ${c} clients | ${rate.toFixed(0)}/s | mean batch ${(ops / Math.max(1, batches)).toFixed(1)} writes/txn |`);
    }
    // Watch latency at 60% of peak: a paced writer, one watcher, commit = the create's reply.
    const target = peak * 0.6;
    const watcher = clients[0].watch('pods', { namespace: 'lat', resourceVersion: (await clients[0].listPage('pods', { limit: 1 })).resourceVersion });
    const sentAt = new Map<string, number>();
    const lat: number[] = [];
    const reader = (async () => {
      for await (const ev of watcher) {
        const t = sentAt.get(ev.object!.metadata!.name);
        if (t !== undefined) lat.push(performance.now() - t);
      }
    })().catch(() => undefined);
    const total = Math.floor(target * seconds);
    const startT = performance.now();
    const inflight: Promise<unknown>[] = [];
    for (let i = 0; i < total; i++) {
      const due = startT + (i * 1000) / target;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      const name = `l-${i}`;
      // Latency from the moment the write is sent: it bounds commit → watcher from above.
      sentAt.set(name, performance.now());
      inflight.push(clients[1 + (i % 3)].create('pods', podOf('lat', name)));
      if (inflight.length > 200) await inflight.shift();
    }
    await Promise.all(inflight);
    const deadline = Date.now() + 10_000;
    while (lat.length < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    watcher.close();
    await reader;
    lat.sort((a, b) => a - b);
    rows.push(`| watch latency at ${target.toFixed(0)} creates/s (60% of peak) | p50 ${pct(lat, 50).toFixed(1)} ms, p99 ${pct(lat, 99).toFixed(1)} ms | ${lat.length}/${total} delivered; measured send → watcher |`);
  } finally {
    clients.forEach((c) => c.close());
    await server.stop();
    await nats.stop();
    await etcd.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const table = ['| measure | result | notes |', '|---|---|---|', ...rows].join('\n');
  process.stdout.write(`${table}\n`);
  const section = `\n## apiserver (bench/apiserver/run.ts), ${new Date().toISOString().slice(0, 10)}\n\nOne process runs the apiserver and the load clients (4 gRPC channels); etcd and NATS on loopback, 2 cores shared.\n\n${table}\n`;
  fs.appendFileSync(path.resolve(__dirname, '../../../bench/RESULTS.md'), section);
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
