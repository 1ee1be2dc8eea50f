// Pod start-up benchmark: pods of a cached image on one real node, create → Running observed by
// watch (the Kubernetes pod-startup SLO measure), at a steady rate and in a burst, with a
// per-stage breakdown read from the agent's debug "stage timing" logs, and the bare
// `runc run` / `crun run` time of the same rootfs beside it.
// Run (root): npx tsc -p . && flock /tmp/berth-bench.lock node dist/bench/startup/run.js --help
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { Pod } from '../../lib/api';
import { RealCluster, type TestRuntime } from '../../agent/cluster-tests/real-cluster';
import { waitUntil } from '../../lib/servers/process';
import { buildBusyboxRootfs } from '../../agent/runtime/test-rootfs';
import { percentile, readPoolTarget, readStageTimings, type StageTimings } from './stage-log';
import { calibrateHost, describeHost, loadAverage, recordResult } from '../machine';

const USAGE = `usage: node dist/bench/startup/run.js [options]
  --runtime crun|runc   OCI runtime of the agent (default crun)
  --steady N            pods created at --rate per second (default 60)
  --rate N              steady creation rate, pods/s (default 5)
  --burst N             pods created at once (default 50)
  --workers N           agent --workers (default 4)
  --sandbox-pool N      agent --sandbox-pool: sandboxes kept ready at least (default: the agent's own)
  --fresh-burst         the burst right after the warm-up pod, before the steady phase (what the first
                        burst on a newly started agent meets: a pool at its floor); by default the burst
                        follows the steady phase, after which the pool has grown to that demand
  --agent-flag FLAG     extra \`berth agent\` argument (repeatable, e.g. --agent-flag=--resync-seconds=60)
  --profile DIR         run the agent under --cpu-prof and keep its profile and log in DIR
  --record              append the result section to bench/RESULTS.md
  --help                this text`;

const { values: args } = parseArgs({
  options: {
    runtime: { type: 'string', default: 'crun' },
    steady: { type: 'string', default: '60' },
    rate: { type: 'string', default: '5' },
    burst: { type: 'string', default: '50' },
    workers: { type: 'string', default: '4' },
    'sandbox-pool': { type: 'string' },
    'fresh-burst': { type: 'boolean', default: false },
    'agent-flag': { type: 'string', multiple: true, default: [] },
    profile: { type: 'string' },
    record: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
if (args.runtime !== 'crun' && args.runtime !== 'runc') throw new Error(`--runtime ${args.runtime}: want crun or runc`);
const runtime = args.runtime as TestRuntime;
const STEADY = Number(args.steady);
const BURST = Number(args.burst);
const WORKERS = args.workers!;
const RATE = Number(args.rate);
const FRESH_BURST = args['fresh-burst']!;
const AGENT_FLAGS = [...(args['sandbox-pool'] !== undefined ? ['--sandbox-pool', args['sandbox-pool']] : []), ...args['agent-flag']!];

/** Ready sandboxes in the agent's pool (their records, as the agent's network state keeps them). */
const pooledSandboxes = (rc: RealCluster): number => {
  try {
    return fs.readdirSync(path.join(rc.root, 'network', 'pool')).filter((f) => f.endsWith('.json')).length;
  } catch {
    return 0;
  }
};

/** Quiet time before the burst, once the sandbox pool is at its target. */
const SETTLE_MS = 3000;

const isRunning = (p: Pod) => p.status?.phase === 'Running' && !!p.status.containerStatuses?.[0]?.state?.running;

/** Watches the namespace and records, per pod name, when it was first seen bound and Running. */
function runningTimes(rc: RealCluster): { seen: Map<string, number>; bound: Map<string, number>; close(): void } {
  const seen = new Map<string, number>();
  const bound = new Map<string, number>();
  const watch = rc.client.watch('pods', { namespace: 'default' });
  void (async () => {
    try {
      for await (const ev of watch) {
        const p = ev.object;
        if (p?.spec?.nodeName && !bound.has(p.metadata!.name)) bound.set(p.metadata!.name, Date.now());
        if (p && isRunning(p) && !seen.has(p.metadata!.name)) seen.set(p.metadata!.name, Date.now());
      }
    } catch {
      // closed
    }
  })();
  return { seen, bound, close: () => watch.close() };
}

async function waitAll(names: string[], seen: Map<string, number>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (names.some((n) => !seen.has(n))) {
    if (Date.now() > deadline) throw new Error(`only ${names.filter((n) => seen.has(n)).length}/${names.length} pods Running after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// IfNotPresent: the image is cached (pulled by the warm-up pod), as the pod-startup SLO measures;
// `:latest` would default to Always and time a registry round trip per pod.
const sleepPod = (rc: RealCluster, name: string) => rc.podSpec(name, [{ name: 'main', command: ['sleep', '100000'], imagePullPolicy: 'IfNotPresent' }]);

/** Times `runtime run` of /bin/true in a bundle over the same busybox rootfs, `n` times. */
function bareRuns(rt: TestRuntime, dir: string, n: number): number[] {
  const bundle = path.join(dir, `bare-${rt}`);
  buildBusyboxRootfs(path.join(bundle, 'rootfs'));
  execFileSync(rt, ['spec'], { cwd: bundle });
  const spec = JSON.parse(fs.readFileSync(path.join(bundle, 'config.json'), 'utf8')) as { process: { args: string[]; terminal: boolean } };
  spec.process.args = ['/bin/true'];
  spec.process.terminal = false;
  fs.writeFileSync(path.join(bundle, 'config.json'), JSON.stringify(spec));
  // crun refuses hybrid cgroups here: run it as the agent does, unified hierarchy hidden.
  const cmd = (id: string): [string, string[]] =>
    rt === 'crun'
      ? ['unshare', ['-m', '--propagation', 'private', '/bin/sh', '-c', `umount /sys/fs/cgroup/unified 2>/dev/null; exec crun run --bundle ${bundle} ${id}`]]
      : ['runc', ['run', '--bundle', bundle, id]];
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const [bin, args] = cmd(`bench-bare-${process.pid}-${i}`);
    const t0 = performance.now();
    execFileSync(bin, args, { stdio: 'ignore' });
    out.push(performance.now() - t0);
  }
  return out;
}

const f0 = (n: number) => n.toFixed(0);
const f1 = (n: number) => n.toFixed(1);

function stageRows(timings: StageTimings[], boundAt: (uid: string) => number | undefined, createdAt: (uid: string) => number): string[] {
  const since = (t: StageTimings, from: number | undefined) => (from === undefined || t.firstSyncAt === undefined ? undefined : t.firstSyncAt - from);
  const stages: Array<[string, (t: StageTimings) => number | undefined]> = [
    ['create → agent first sync (all of the below)', (t) => t.delivery],
    ['  scheduling (create → bound, seen by watch)', (t) => { const b = boundAt(t.uid); return b === undefined ? undefined : b - createdAt(t.uid); }],
    ['  bound → agent first sync (watch/NATS + work queue)', (t) => since(t, boundAt(t.uid))],
    ['network: netns + CNI ADD (bridge + host-local), concurrent with the next three', (t) => t.cni],
    ['rootfs overlay mount', (t) => t.rootfsMount],
    ['runtime create (conmon + create)', (t) => t.runtimeCreate],
    ['wait for the network after create', (t) => t.sandboxWait],
    ['runtime start', (t) => t.runtimeStart],
    ['status write (Running)', (t) => t.statusWrite],
  ];
  return stages.map(([label, get]) => {
    const v = timings.map(get).filter((x): x is number => x !== undefined);
    return `| ${label} | ${v.length} | ${f1(percentile(v, 50))} | ${f1(percentile(v, 99))} |`;
  });
}

async function main(): Promise<void> {
  const profileDir = args.profile ? path.resolve(args.profile) : undefined;
  if (profileDir) fs.mkdirSync(profileDir, { recursive: true });
  const agentNodeArgs = profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : undefined;
  const rc = new RealCluster({ runtime, agentLogLevel: 'debug', agentFlags: ['--workers', WORKERS, ...AGENT_FLAGS], agentNodeArgs });
  const lines: string[] = [];
  const loadBefore = loadAverage();
  const host = calibrateHost();
  try {
    await rc.start();
    const w = runningTimes(rc);
    // Warm-up: the image is pulled and unpacked once, so every measured pod runs a cached image.
    await rc.createPod(sleepPod(rc, 'warm'));
    await waitAll(['warm'], w.seen, 120_000);
    await rc.deletePods(['warm']);

    // The burst starts on a settled node: earlier pods' cleanup (CNI DEL, unmounts) done and the
    // agent's sandbox pool at its target (which follows recent demand), as on a node that was idle
    // before a burst arrives.
    const runBurst = async (): Promise<{ all: number; lat: number[]; pool: number; target: number }> => {
      await waitUntil(() => rc.traces().podDirs === 0, 120_000, 'earlier pods cleaned up', 200);
      await waitUntil(() => pooledSandboxes(rc) === (readPoolTarget(rc.agentLog) ?? 0), 120_000, 'sandbox pool at its target', 200);
      await new Promise((r) => setTimeout(r, SETTLE_MS));
      const pool = pooledSandboxes(rc);
      const target = readPoolTarget(rc.agentLog) ?? 0;
      const burst = Array.from({ length: BURST }, (_, i) => `burst-${i}`);
      const b0 = Date.now();
      await Promise.all(burst.map((n) => rc.createPod(sleepPod(rc, n))));
      await waitAll(burst, w.seen, 180_000);
      const all = Math.max(...burst.map((n) => w.seen.get(n)!)) - b0;
      // For CPU accounting from outside (e.g. a cpuacct cgroup sampled over time).
      console.error(`burst window (epoch ms): ${b0} ${b0 + all}`);
      const lat = burst.map((n) => w.seen.get(n)! - b0);
      await rc.deletePods(burst, 180_000);
      return { all, lat, pool, target };
    };
    const fresh = FRESH_BURST ? await runBurst() : undefined;

    const steady: string[] = [];
    const sent = new Map<string, number>();
    const created = new Map<string, Pod>();
    const t0 = Date.now();
    for (let i = 0; i < STEADY; i++) {
      const at = t0 + (i * 1000) / RATE;
      await new Promise((r) => setTimeout(r, Math.max(0, at - Date.now())));
      const name = `steady-${i}`;
      steady.push(name);
      sent.set(name, Date.now());
      void rc.createPod(sleepPod(rc, name)).then((p) => created.set(name, p));
    }
    await waitAll(steady, w.seen, 180_000);
    const lat = steady.map((n) => w.seen.get(n)! - sent.get(n)!);
    const timings = readStageTimings(rc.agentLog, [...created.values()]);
    const byUid = new Map([...created.entries()].map(([name, p]) => [p.metadata!.uid, name]));
    await rc.deletePods(steady, 180_000);

    const b = fresh ?? (await runBurst());
    w.close();

    const bare = bareRuns(runtime, rc.dir, 10);
    const flags = ['--workers', WORKERS, ...AGENT_FLAGS].join(' ');
    const when = fresh ? 'first, right after the warm-up pod (a fresh agent)' : `after the steady ${STEADY}`;
    lines.push(
      `## Pod start-up (bench/startup/run.ts, ${runtime}, agent ${flags}), ${new Date().toISOString().slice(0, 10)}`,
      '',
      `One real node (agent on the host network, ${runtime} under conmon, CNI bridge), image cached; ${describeHost(host, loadBefore)}. ` +
        'Latency = create call sent → pod seen Running (phase Running, container running) by a watch.',
      '',
      '| measure | result | goal |',
      '|---|---|---|',
      `| steady ${STEADY} pods at ${RATE}/s: p50 / p99 / max | ${f0(percentile(lat, 50))} / ${f0(percentile(lat, 99))} / ${f0(Math.max(...lat))} ms | p50 ≤ 300 ms, p99 ≤ 1 s |`,
      `| burst of ${BURST} (${when}; ${b.pool} pool sandboxes ready, target ${b.target}): all Running after | ${f0(b.all)} ms (per pod p50 ${f0(percentile(b.lat, 50))}, p99 ${f0(percentile(b.lat, 99))} ms) | ≤ 5 s |`,
      `| bare \`${runtime} run\` /bin/true, same busybox rootfs (10 runs): p50 / max | ${f1(percentile(bare, 50))} / ${f1(Math.max(...bare))} ms | – |`,
      '',
      'Per-stage breakdown of the steady pods, from the agent\'s debug "stage timing" logs (ms):',
      '',
      '| stage | pods | p50 | p99 |',
      '|---|---:|---:|---:|',
      ...stageRows(
        timings,
        (uid) => w.bound.get(byUid.get(uid)!),
        (uid) => sent.get(byUid.get(uid)!)!,
      ),
      '',
    );
  } finally {
    if (profileDir && fs.existsSync(rc.agentLog)) fs.copyFileSync(rc.agentLog, path.join(profileDir, 'agent.log'));
    await rc.stop();
  }
  const text = lines.join('\n');
  console.log(text);
  if (args.record) recordResult(`\n${text}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
