// Apiserver benchmark: pod creates/s through gRPC at 1/10/100 concurrent clients, and watch
// delivery latency at 60% of the peak rate. Real etcd + NATS on loopback; the apiserver, the
// load generator (h2load, see h2load.ts) and the watcher (this process) are separate processes.
// Run: npx tsc -p . && node dist/bench/apiserver/run.js [--seconds 8] [--profile DIR] [--record]
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { Etcd3 } from 'etcd3';
import { prefixEnd } from '../../services/apiserver/etcd-watch';
import { ApiClient } from '../../lib/api/client';
import { Pod } from '../../lib/api/types';
import { startEtcd } from '../../lib/servers/etcd';
import { startNats } from '../../lib/servers/nats';
import { freePort, startProcess, waitUntil } from '../../lib/servers/process';
import { sampleProcess } from '../scheduler/proc-stats';
import { runH2load, writeCreateBody, type H2loadResult } from './h2load';
import { calibrateHost, describeHost, recordResult } from '../machine';

const berth = path.resolve(__dirname, '../../cmd/berth.js');
const now = (): number => performance.timeOrigin + performance.now(); // ms since the epoch, sub-ms

const podOf = (namespace: string): Pod =>
  Pod.fromPartial({ metadata: { generateName: 'p-', namespace, labels: { app: 'bench' } }, spec: { containers: [{ name: 'main', image: 'busybox:1.36' }] } });

const pct = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const sortNum = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);
const USAGE = `usage: node dist/bench/apiserver/run.js [options]
  --seconds N     length of each phase (default 8)
  --profile DIR   CPU profile of the apiserver into DIR
  --record        append the result to bench/RESULTS.md
  --help          this text`;
const { values: args } = parseArgs({
  options: { seconds: { type: 'string', default: '8' }, profile: { type: 'string' }, record: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } },
});

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
  const seconds = Number(args.seconds);
  const host = calibrateHost();
  const profileDir = args.profile;
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
  const stored = async (namespace: string): Promise<number> => {
    const key = Buffer.from(`/registry/pods/${namespace}/`);
    return Number((await etcdClient.kv.range({ key, range_end: prefixEnd(key), count_only: true })).count);
  };
  const load = async (namespace: string, job: { concurrency: number; seconds: number; rate?: number }): Promise<H2loadResult> => {
    const body = path.join(dir, `${namespace}.body`);
    writeCreateBody(body, podOf(namespace));
    return runH2load({ address, bodyFile: body, ...job }, path.join(dir, 'h2load.time'));
  };
  const requestTimes = (r: H2loadResult): string => `request (h2load) mean ${r.meanMs.toFixed(1)} ms, sd ${r.sdMs.toFixed(1)} ms, max ${r.maxMs.toFixed(1)} ms`;
  let peak = 0;
  try {
    await waitUntil(async () => (await api.version(), true), 30_000, 'apiserver');
    await load('warm', { concurrency: 10, seconds: 1 });
    for (const c of [1, 10, 100]) {
      const rev0 = await revision();
      const cpu0 = cpuMark();
      const r = await load(`n${c}`, { concurrency: c, seconds });
      const txns = (await revision()) - rev0;
      const done = await stored(`n${c}`);
      const rate = done / seconds;
      peak = Math.max(peak, rate);
      rows.push(`| creates, ${c} clients | ${rate.toFixed(0)}/s | ${(done / Math.max(1, txns)).toFixed(1)} creates per etcd txn; ${requestTimes(r)}; ${r.failed} failed; ${cpuPer(cpu0, done)} |`);
    }

    // Watch latency at 60% of peak: h2load paced, this process watching through berth and,
    // for the commit time, through etcd's own watch of the same keys.
    const rate = Math.round(peak * 0.6);
    const seenAt = new Map<string, number>();
    const watch = api.watch('pods', { namespace: 'lat', resourceVersion: (await api.listPage('pods', { limit: 1 })).resourceVersion });
    const reader = (async () => {
      for await (const ev of watch) if (ev.type === 'ADDED') seenAt.set(ev.object!.metadata!.name, now());
    })().catch(() => undefined);
    const committedAt = new Map<string, number>();
    const etcdWatch = await etcdClient.watch().prefix('/registry/pods/lat/').create();
    etcdWatch.on('put', (kv) => {
      const name = kv.key.toString().split('/').pop()!;
      if (!committedAt.has(name)) committedAt.set(name, now());
    });
    const cpu0 = cpuMark();
    const watcherCpu0 = process.cpuUsage();
    const before = await scrape(); // also resets the event-loop delay percentiles
    const paced = await load('lat', { concurrency: 100, seconds, rate });
    const done = await stored('lat');
    await waitUntil(() => seenAt.size >= done, 15_000, 'every paced create to reach the watcher').catch(() => undefined);
    const after = await scrape();
    const watcherCpu = process.cpuUsage(watcherCpu0);
    watch.close();
    await reader;
    await etcdWatch.cancel();
    const fromCommit = sortNum([...seenAt].filter(([name]) => committedAt.has(name)).map(([name, at]) => at - committedAt.get(name)!));
    const perCreate = (cpuSeconds: number): string => `${((cpuSeconds * 1000) / done).toFixed(2)} ms`;
    rows.push(`| watch latency at ${(done / seconds).toFixed(0)} creates/s (60% of peak), etcd's own watch → berth watcher | p50 ${pct(fromCommit, 50).toFixed(1)} ms, p99 ${pct(fromCommit, 99).toFixed(1)} ms | ${fromCommit.length}/${done} created pods seen by both watches; commit → watcher minus etcd's delivery: the apiserver's share; ${cpuPer(cpu0, done)} (with one watcher) |`);
    rows.push(`| same, apiserver event loop | ${loopSummary(before, after)} | event-loop delay (prom-client, 10 ms resolution) and GC pauses during the paced run |`);
    rows.push(`| same, CPU per create of the other processes | load generator (h2load) ${perCreate(paced.cpuSeconds)}, watcher ${perCreate((watcherCpu.user + watcherCpu.system) / 1e6)} | with the apiserver's and etcd's above: what the 2 cores spend per paced create |`);
    rows.push(`| same, create call | ${requestTimes(paced)} | the etcd commit is inside this |`);
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
  if (args.record) {
    const section = `\n## apiserver (bench/apiserver/run.ts), ${new Date().toISOString().slice(0, 10)}\n\nThree processes: the apiserver, the load generator (h2load: 4 HTTP/2 connections, or fewer below 4 clients, posting a pre-framed gRPC Create of a pod with generateName) and the watcher; etcd and NATS on loopback; ${describeHost(host)}.\n\n${table}\n`;
    recordResult(section);
  }
}

if (args.help) {
  console.log(USAGE);
} else {
  main().catch((err: unknown) => {
    process.stderr.write(`${String(err)}\n`);
    process.exit(1);
  });
}
