// Apiserver benchmark: pod creates/s through gRPC at 1/10/100 concurrent clients, and watch
// delivery latency at 60% of the peak rate. Real etcd + NATS on loopback; the apiserver, the
// load generator and the watcher are three processes, so each has its own CPU share as in a
// cluster. Run: npx tsc -p . && node dist/bench/apiserver/run.js [--seconds 8] [--profile DIR] [--record]
import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Etcd3 } from 'etcd3';
import { ApiClient } from '../../lib/api/client';
import { wrap } from '../../lib/api/kinds';
import { API_SERVICE } from '../../lib/api/proto-writer';
import { Pod } from '../../lib/api/types';
import { startEtcd } from '../../lib/servers/etcd';
import { startNats } from '../../lib/servers/nats';
import { freePort, startProcess, waitUntil } from '../../lib/servers/process';
import { sampleProcess } from '../scheduler/proc-stats';
import { H2UnaryClient } from './h2-unary';

const SENT = 'bench.berth.dev/sent-at';
const berth = path.resolve(__dirname, '../../cmd/berth.js');
const now = (): number => performance.timeOrigin + performance.now(); // ms since the epoch, sub-ms, same clock in every process

const podOf = (ns: string, name: string, sentAt?: number): Pod =>
  Pod.fromPartial({
    metadata: { name, namespace: ns, labels: { app: 'bench' }, annotations: sentAt === undefined ? {} : { [SENT]: sentAt.toFixed(3) } },
    spec: { containers: [{ name: 'main', image: 'busybox:1.36' }] },
  });

/** What the parent asks a load process to do; the child answers with a LoadResult. */
type LoadJob =
  | { kind: 'closed-loop'; address: string; concurrency: number; seconds: number; namespace: string }
  | { kind: 'paced'; address: string; rate: number; count: number; namespace: string };
interface LoadResult {
  done: number;
  /** Create call latencies (send → reply), ms. */
  callMs: number[];
  /** Reply time per pod name (epoch ms), paced jobs only. */
  repliedAt: Record<string, number>;
  /** CPU seconds the load process used for the job. */
  cpuSeconds: number;
}

const CREATE = API_SERVICE.create;

async function runLoad(job: LoadJob): Promise<LoadResult> {
  const clients = Array.from({ length: 4 }, () => new H2UnaryClient(job.address));
  const create = (i: number, pod: Pod): Promise<Buffer> => clients[i % clients.length].call(CREATE.path, CREATE.requestSerialize({ object: wrap('pods', pod), dryRun: false }));
  const result: LoadResult = { done: 0, callMs: [], repliedAt: {}, cpuSeconds: 0 };
  const cpu0 = process.cpuUsage();
  try {
    if (job.kind === 'closed-loop') {
      const end = Date.now() + job.seconds * 1000;
      await Promise.all(
        Array.from({ length: job.concurrency }, async (_, w) => {
          for (let i = 0; Date.now() < end; i++) {
            const t = now();
            await create(w, podOf(job.namespace, `c${job.concurrency}-${w}-${i}`));
            result.callMs.push(now() - t);
            result.done++;
          }
        }),
      );
      return result;
    }
    const start = now();
    const inflight = new Set<Promise<void>>();
    for (let i = 0; i < job.count; i++) {
      const wait = start + (i * 1000) / job.rate - now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      const name = `l-${i}`;
      const t = now();
      const p: Promise<void> = create(i, podOf(job.namespace, name, t)).then(() => {
        const r = now();
        result.repliedAt[name] = r;
        result.callMs.push(r - t);
        result.done++;
        inflight.delete(p);
      });
      inflight.add(p);
      if (inflight.size > 500) await Promise.race(inflight);
    }
    await Promise.all(inflight);
    return result;
  } finally {
    const cpu = process.cpuUsage(cpu0);
    result.cpuSeconds = (cpu.user + cpu.system) / 1e6;
    clients.forEach((c) => c.close());
  }
}

function inChild(job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, ['--load-child'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (m) => resolve(m as LoadResult));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`load process exited ${code}`))));
    child.send(job);
  });
}

const pct = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const sortNum = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);
const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};

/** Prometheus text → "name{labels}" → value (the lines this bench reads). */
function parseMetrics(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^(\S+)\s+(\S+)$/.exec(line);
    if (m && !line.startsWith('#')) out.set(m[1], Number(m[2]));
  }
  return out;
}

function loopSummary(before: Map<string, number>, after: Map<string, number>): string {
  const ms = (name: string): string => ((after.get(name) ?? NaN) * 1000).toFixed(0);
  const gc = (kind: string): { s: number; n: number } => {
    const key = (f: string): string => `nodejs_gc_duration_seconds_${f}{kind="${kind}"}`;
    return { s: (after.get(key('sum')) ?? 0) - (before.get(key('sum')) ?? 0), n: (after.get(key('count')) ?? 0) - (before.get(key('count')) ?? 0) };
  };
  const major = gc('major');
  const minor = gc('minor');
  const over10 = (['major', 'minor', 'incremental'] as const).reduce((sum, kind) => {
    const key = (le: string): string => `nodejs_gc_duration_seconds_bucket{le="${le}",kind="${kind}"}`;
    const all = (after.get(key('+Inf')) ?? 0) - (before.get(key('+Inf')) ?? 0);
    const fast = (after.get(key('0.01')) ?? 0) - (before.get(key('0.01')) ?? 0);
    return sum + all - fast;
  }, 0);
  return `delay p50 ${ms('nodejs_eventloop_lag_p50_seconds')} ms, p99 ${ms('nodejs_eventloop_lag_p99_seconds')} ms, max ${ms('nodejs_eventloop_lag_max_seconds')} ms; GC: ${minor.n} minor ${(minor.s * 1000).toFixed(0)} ms, ${major.n} major ${(major.s * 1000).toFixed(0)} ms, ${over10} pauses over 10 ms`;
}

async function main(): Promise<void> {
  const seconds = Number(arg('--seconds') ?? 8);
  const profileDir = arg('--profile');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-bench-api-'));
  const etcd = await startEtcd({ dataDir: path.join(dir, 'etcd'), logFile: path.join(dir, 'etcd.log') });
  const nats = await startNats({ logFile: path.join(dir, 'nats.log') });
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const nodeArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(profileDir)}`] : [];
  const metricsAddress = `127.0.0.1:${await freePort()}`;
  const apiserver = startProcess('node', [...nodeArgs, berth, 'apiserver', '--etcd', etcd.endpoint, '--nats', nats.url, '--listen', address, '--metrics-listen', metricsAddress], { logFile: path.join(dir, 'apiserver.log') });
  const scrape = async (): Promise<Map<string, number>> => parseMetrics(await (await fetch(`http://${metricsAddress}/metrics`)).text());
  const api = new ApiClient(address);
  const etcdClient = new Etcd3({ hosts: etcd.endpoint });
  const revision = async (): Promise<number> => Number((await etcdClient.kv.range({ key: Buffer.from('/'), limit: 1, keys_only: true })).header.revision);
  const rows: string[] = [];
  // CPU per create of the apiserver and etcd: what a phase costs, whatever else the machine runs.
  const cpuOf = (pid: number): number => sampleProcess(pid)?.cpuSeconds ?? NaN;
  const cpuMark = (): { api: number; etcd: number } => ({ api: cpuOf(apiserver.pid), etcd: cpuOf(etcd.process.pid) });
  const cpuPer = (from: { api: number; etcd: number }, n: number): string => {
    const to = cpuMark();
    return `CPU per create: apiserver ${(((to.api - from.api) * 1000) / n).toFixed(2)} ms, etcd ${(((to.etcd - from.etcd) * 1000) / n).toFixed(2)} ms`;
  };
  let peak = 0;
  try {
    await waitUntil(async () => (await api.version(), true), 30_000, 'apiserver');
    await inChild({ kind: 'closed-loop', address, concurrency: 10, seconds: 1, namespace: 'warm' });
    for (const c of [1, 10, 100]) {
      const rev0 = await revision();
      const cpu0 = cpuMark();
      const r = await inChild({ kind: 'closed-loop', address, concurrency: c, seconds, namespace: `n${c}` });
      const txns = (await revision()) - rev0;
      const rate = r.done / seconds;
      const calls = sortNum(r.callMs);
      peak = Math.max(peak, rate);
      rows.push(`| creates, ${c} clients | ${rate.toFixed(0)}/s | ${(r.done / Math.max(1, txns)).toFixed(1)} creates per etcd txn; call p50 ${pct(calls, 50).toFixed(1)} ms, p99 ${pct(calls, 99).toFixed(1)} ms; ${cpuPer(cpu0, r.done)} |`);
    }

    // Watch latency at 60% of peak: a paced writer in its own process, this process watching.
    const rate = peak * 0.6;
    const count = Math.floor(rate * seconds);
    const seenAt = new Map<string, { at: number; sent: number }>();
    const watch = api.watch('pods', { namespace: 'lat', resourceVersion: (await api.listPage('pods', { limit: 1 })).resourceVersion });
    const reader = (async () => {
      for await (const ev of watch) {
        const sent = Number(ev.object?.metadata?.annotations[SENT]);
        if (ev.type === 'ADDED' && Number.isFinite(sent)) seenAt.set(ev.object!.metadata!.name, { at: now(), sent });
      }
    })().catch(() => undefined);
    // etcd's own watch of the same keys, in this process: its arrival time stands for the
    // commit (plus etcd's delivery), so berth's arrival minus it is the apiserver's share.
    const committedAt = new Map<string, number>();
    const etcdWatch = await etcdClient.watch().prefix('/registry/pods/lat/').create();
    etcdWatch.on('put', (kv) => {
      const name = kv.key.toString().split('/').pop()!;
      if (!committedAt.has(name)) committedAt.set(name, now());
    });
    const cpu0 = cpuMark();
    const watcherCpu0 = process.cpuUsage();
    const before = await scrape(); // also resets the event-loop delay percentiles
    const load = await inChild({ kind: 'paced', address, rate, count, namespace: 'lat' });
    await waitUntil(() => seenAt.size >= count, 15_000, 'every paced create to reach the watcher').catch(() => undefined);
    const after = await scrape();
    const watcherCpu = process.cpuUsage(watcherCpu0);
    watch.close();
    await reader;
    await etcdWatch.cancel();
    const fromCommit = sortNum([...seenAt].filter(([name]) => committedAt.has(name)).map(([name, s]) => s.at - committedAt.get(name)!));
    const fromSend = sortNum([...seenAt.values()].map((s) => s.at - s.sent));
    // The reply leaves after the commit and the event after it too, so commit → watcher lies
    // between "reply → watcher" (clipped at 0: the event often wins) and "send → watcher".
    const fromReply = sortNum([...seenAt].map(([name, s]) => Math.max(0, s.at - (load.repliedAt[name] ?? s.at))));
    const calls = sortNum(load.callMs);
    rows.push(`| watch latency at ${rate.toFixed(0)} creates/s (60% of peak), send → watcher | p50 ${pct(fromSend, 50).toFixed(1)} ms, p99 ${pct(fromSend, 99).toFixed(1)} ms | ${seenAt.size}/${count} delivered; upper bound of commit → watcher; ${cpuPer(cpu0, load.done)} (with one watcher) |`);
    rows.push(`| same, etcd's own watch → berth watcher | p50 ${pct(fromCommit, 50).toFixed(1)} ms, p99 ${pct(fromCommit, 99).toFixed(1)} ms | ${fromCommit.length} events; commit → watcher minus etcd's delivery: the apiserver's share |`);
    rows.push(`| same, create reply → watcher | p50 ${pct(fromReply, 50).toFixed(1)} ms, p99 ${pct(fromReply, 99).toFixed(1)} ms | lower bound (0 when the event arrived first) |`);
    rows.push(`| same, apiserver event loop | ${loopSummary(before, after)} | event-loop delay (prom-client, 10 ms resolution) and GC pauses during the paced run |`);
    const perCreate = (seconds: number): string => `${((seconds * 1000) / load.done).toFixed(2)} ms`;
    rows.push(`| same, CPU per create of the other processes | load generator ${perCreate(load.cpuSeconds)}, watcher ${perCreate((watcherCpu.user + watcherCpu.system) / 1e6)} | with the apiserver's and etcd's above: what the 2 cores spend per paced create |`);
    rows.push(`| same, create call send → reply | p50 ${pct(calls, 50).toFixed(1)} ms, p99 ${pct(calls, 99).toFixed(1)} ms | the etcd commit is inside this |`);
  } finally {
    api.close();
    etcdClient.close();
    await apiserver.stop();
    await nats.stop();
    await etcd.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const table = ['| measure | result | notes |', '|---|---|---|', ...rows].join('\n');
  process.stdout.write(`${table}\n`);
  if (process.argv.includes('--record')) {
    const load = os.loadavg().map((l) => l.toFixed(1)).join(' ');
    const section = `\n## apiserver (bench/apiserver/run.ts), ${new Date().toISOString().slice(0, 10)}\n\nThree processes: the apiserver, the load generator (4 HTTP/2 connections speaking gRPC directly, see h2-unary.ts) and the watcher; etcd and NATS on loopback; 2 cores, load average ${load} at the end.\n\n${table}\n`;
    fs.appendFileSync(path.resolve(__dirname, '../../../bench/RESULTS.md'), section);
  }
}

if (process.argv.includes('--load-child')) {
  process.once('message', (job) => {
    runLoad(job as LoadJob).then(
      (r) => process.send!(r, () => process.exit(0)),
      (err: unknown) => {
        process.stderr.write(`${String(err)}\n`);
        process.exit(1);
      },
    );
  });
} else {
  main().catch((err: unknown) => {
    process.stderr.write(`${String(err)}\n`);
    process.exit(1);
  });
}
