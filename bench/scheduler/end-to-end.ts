// Scheduler benchmark (b) and (c): end to end through apiserver and etcd. A real control plane
// (etcd, NATS, apiserver, scheduler, controller-manager) and hollow nodes in agent processes;
// D Deployments × R replicas are created through the API and one pod watch times when all pods
// are created, bound and Running. Also reports etcd writes per pod and the peak RSS and CPU of
// each process. Every process is stopped by PID and the temp dir removed, on failure and on the
// overall timeout too (the table then shows how far the run got).
// Run: npx tsc -p . && node dist/bench/scheduler/end-to-end.js [--nodes N] [--deployments D]
//        [--replicas R] [--agents K] [--timeout SECONDS] [--record]
import { Deployment } from '../../lib/api';
import { TestCluster } from '../../lib/testing/cluster';
import { counterDelta, readEtcdCounters, type EtcdCounters } from './etcd-counters';
import { readWritesByKind, type KindWrites } from './etcd-writes-by-kind';
import { PodProgress, type Milestone } from './pod-progress';
import { ProcSampler, type ProcUsage } from './proc-stats';
import { calibrateHost, describeHost, recordResult } from '../machine';

interface BenchArgs {
  nodes: number;
  deployments: number;
  replicas: number;
  /** Agent processes the hollow nodes are split over. */
  agents: number;
  timeoutSeconds: number;
  /** Deployment creates in flight at once. */
  concurrency: number;
  /** Pod sync workers per agent process (the agent's default of 4 suits one real node, not hundreds of hollow ones). */
  agentWorkers: number;
  /** Leader-election lease of scheduler and controller-manager, seconds (production default 15). */
  leaseSeconds: number;
  record: boolean;
}

const USAGE = `usage: node dist/bench/scheduler/end-to-end.js [--nodes N (100)] [--deployments D (10)] [--replicas R (50)]
       [--agents K (1)] [--agent-workers W (256 pod sync workers per agent process)] [--timeout SECONDS (600)]
       [--lease-seconds L (15: leader lease of scheduler and controller-manager; renew deadline 2/3 of it)]
       [--concurrency C (32 Deployment creates in flight)] [--record]
(b): --nodes 5000 --deployments 500 --replicas 100 --agents 5; (c): --nodes 1000 --deployments 300 --replicas 100 --agents 2`;

function parseArgs(argv: string[]): BenchArgs {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const num = (flag: string, dflt: number): number => {
    const i = argv.indexOf(flag);
    if (i < 0) return dflt;
    const v = Number(argv[i + 1]);
    if (!Number.isFinite(v) || v <= 0) throw new Error(`${flag} needs a positive number, got ${argv[i + 1]}`);
    return v;
  };
  return {
    nodes: num('--nodes', 100),
    deployments: num('--deployments', 10),
    replicas: num('--replicas', 50),
    agents: num('--agents', 1),
    timeoutSeconds: num('--timeout', 600),
    concurrency: num('--concurrency', 32),
    agentWorkers: num('--agent-workers', 256),
    leaseSeconds: num('--lease-seconds', 15),
    record: argv.includes('--record'),
  };
}

const NAMESPACE = 'default';
/** Digest-pinned, so neither the controller-manager nor the hollow nodes ask a registry. */
const IMAGE = `app@sha256:${'a'.repeat(64)}`;
/** Seconds of idle control plane over which background writes (leases, heartbeats) are counted. */
const IDLE_SECONDS = 5;
const CONTROL_PLANE = ['apiserver', 'scheduler', 'controller-manager'];

const deployment = (name: string, replicas: number): Deployment =>
  Deployment.fromPartial({
    metadata: { name, namespace: NAMESPACE },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image: IMAGE }] } },
    },
  });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `task(i)` for i < n with at most `limit` in flight. */
async function pool(n: number, limit: number, task: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, limit) }, async () => {
    while (next < n) await task(next++);
  }));
}

/** Resolves true when `p` settles first, false at the deadline (performance.now() ms). */
async function beforeDeadline(p: Promise<unknown>, deadline: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), Math.max(0, deadline - performance.now()))));
  try {
    return await Promise.race([p.then(() => true), late]);
  } finally {
    clearTimeout(timer);
  }
}

async function readyNodes(cluster: TestCluster): Promise<number> {
  const { items } = await cluster.client.list('nodes');
  return items.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
}

interface Outcome {
  args: BenchArgs;
  nodesReady: number;
  nodesReadySeconds: number;
  createSeconds?: number;
  counts: Record<Milestone, number>;
  /** Seconds from the first create to each milestone (absent: not reached). */
  at: Partial<Record<Milestone, number>>;
  elapsedSeconds: number;
  writes?: EtcdCounters;
  /** Background writes per second measured on the idle cluster. */
  idle?: EtcdCounters;
  /** Writes of the objects stored at the end, by kind (etcd key versions). */
  byKind?: KindWrites[];
  usage: ProcUsage[];
  peakGroupRssKb: number;
  benchCpuSeconds: number;
  watchRestarts: number;
  error?: string;
}

const mb = (kb: number) => (kb / 1024).toFixed(0);

function table(o: Outcome): string {
  const total = o.args.deployments * o.args.replicas;
  const milestone = (m: Milestone): string => {
    const t = o.at[m];
    return t === undefined
      ? `NOT REACHED: ${o.counts[m]}/${total} after ${o.elapsedSeconds.toFixed(1)} s (${(o.counts[m] / Math.max(o.elapsedSeconds, 1e-3)).toFixed(0)} pods/s)`
      : `${t.toFixed(1)} s, ${(total / t).toFixed(0)} pods/s`;
  };
  const rows: Array<[string, string]> = [
    ['hollow nodes Ready', `${o.nodesReady}/${o.args.nodes} (${o.args.agents} agent process(es), ${o.args.agentWorkers} pod workers each) after ${o.nodesReadySeconds.toFixed(1)} s`],
    // More distinct pods than asked for would mean a ReplicaSet over-created (or replaced pods).
    ['pods', `${o.args.deployments} Deployments × ${o.args.replicas} = ${total}; the watch saw ${o.counts.created} distinct pods`],
    ['Deployments created', o.createSeconds === undefined ? 'not finished' : `${o.createSeconds.toFixed(1)} s (${o.args.concurrency} in flight)`],
    ['all pods created (watch)', milestone('created')],
    ['all pods bound (watch)', milestone('bound')],
    ['all pods Running (watch)', milestone('running')],
  ];
  if (o.writes && o.idle) {
    const w = o.writes;
    const bg = (k: keyof EtcdCounters) => o.idle![k] * o.elapsedSeconds;
    const perPod = (n: number) => (n / Math.max(1, o.counts.created)).toFixed(2);
    rows.push(
      ['etcd revisions (txns) per pod', `${perPod(w.revision - bg('revision'))} (raw ${perPod(w.revision)}; idle background ${o.idle.revision.toFixed(1)}/s subtracted)`],
      ['etcd key writes (put+delete) per pod', `${perPod(w.puts + w.deletes - bg('puts') - bg('deletes'))} (raw ${perPod(w.puts + w.deletes)}; idle ${(o.idle.puts + o.idle.deletes).toFixed(1)}/s)`],
    );
  }
  if (o.byKind) {
    const perPod = (n: number) => (n / Math.max(1, o.counts.created)).toFixed(2);
    rows.push(['writes per pod by kind (stored objects, key versions)', o.byKind.map((k) => `${k.kind} ${perPod(k.writes)}`).join(', ')]);
  }
  const cp = o.usage.filter((u) => CONTROL_PLANE.includes(u.name));
  rows.push(
    ['peak RSS (VmHWM)', cp.map((u) => `${u.name} ${mb(u.peakKb)} MB`).join(', ')],
    ['control plane RSS together', `sum of peaks ${mb(cp.reduce((s, u) => s + u.peakKb, 0))} MB; largest concurrent sum sampled ${mb(o.peakGroupRssKb)} MB`],
    ['CPU seconds during the run', [...o.usage.map((u) => `${u.name} ${u.cpuSeconds.toFixed(1)}`), `bench ${o.benchCpuSeconds.toFixed(1)}`].join(', ')],
  );
  if (o.watchRestarts) rows.push(['pod watch restarts', String(o.watchRestarts)]);
  if (o.error) rows.push(['error', o.error.replace(/\|/g, '/').replace(/\n/g, ' ')]);
  return ['| measure | result |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join('\n');
}

async function run(args: BenchArgs, cluster: TestCluster, deadline: number): Promise<Outcome> {
  const outcome: Outcome = { args, nodesReady: 0, nodesReadySeconds: 0, counts: { created: 0, bound: 0, running: 0 }, at: {}, elapsedSeconds: 0, usage: [], peakGroupRssKb: 0, benchCpuSeconds: 0, watchRestarts: 0 };
  const total = args.deployments * args.replicas;
  const tStart = performance.now();
  await cluster.start();
  // A leader whose renewals take longer than its renew deadline exits (by design): under a large
  // node-registration storm the bench may need a longer lease to measure anything at all.
  const leader = ['--lease-duration', String(args.leaseSeconds), '--renew-deadline', String(Math.round((args.leaseSeconds * 2) / 3)), '--retry-period', '2'];
  const sched = cluster.scheduler('bench', leader);
  // The test cluster's /16 holds 256 node /24s; thousands of hollow nodes need a larger range.
  const cm = cluster.controllerManager('bench', { leader, extra: ['--cluster-cidr', '10.128.0.0/9'] });
  const agents = Array.from({ length: args.agents }, (_, i) => {
    const count = Math.floor(args.nodes / args.agents) + (i < args.nodes % args.agents ? 1 : 0);
    // Production heartbeat and resync periods: their background load is part of what is measured.
    return cluster.spawn(`agent-${i}`, ['agent', '--apiserver', cluster.apiserver, '--nats', cluster.nats.url, '--simulate-nodes', String(count), '--simulate-prefix', `h${i}-`, '--drain-delay-seconds', '0', '--workers', String(args.agentWorkers)]);
  });
  const procs = [
    { name: 'apiserver', pid: cluster.procs[0].pid },
    { name: 'scheduler', pid: sched.pid },
    { name: 'controller-manager', pid: cm.pid },
    { name: 'etcd', pid: cluster.etcd.process.pid },
    { name: 'nats', pid: cluster.nats.process.pid },
    ...agents.map((a, i) => ({ name: `agent-${i}`, pid: a.pid })),
  ];
  const sampler = new ProcSampler(procs, CONTROL_PLANE);
  sampler.start();
  const progress = new PodProgress(cluster.client, NAMESPACE, total);
  try {
    while (performance.now() < deadline) {
      outcome.nodesReady = await readyNodes(cluster).catch(() => 0);
      if (outcome.nodesReady >= args.nodes) break;
      await sleep(1000);
    }
    outcome.nodesReadySeconds = (performance.now() - tStart) / 1000;
    if (outcome.nodesReady < args.nodes) throw new Error(`only ${outcome.nodesReady}/${args.nodes} nodes Ready before the timeout`);

    const idleFrom = await readEtcdCounters(cluster.etcd.endpoint);
    await sleep(IDLE_SECONDS * 1000);
    const idle = counterDelta(idleFrom, await readEtcdCounters(cluster.etcd.endpoint));
    outcome.idle = { revision: idle.revision / IDLE_SECONDS, puts: idle.puts / IDLE_SECONDS, deletes: idle.deletes / IDLE_SECONDS };

    await progress.start();
    sampler.mark();
    const cpu0 = process.cpuUsage();
    const before = await readEtcdCounters(cluster.etcd.endpoint);
    const t0 = performance.now();
    const creates = pool(args.deployments, args.concurrency, (i) => cluster.client.create('deployments', deployment(`d${i}`, args.replicas)));
    try {
      if (await beforeDeadline(creates, deadline)) outcome.createSeconds = (performance.now() - t0) / 1000;
      await beforeDeadline(progress.allRunning(), deadline);
    } finally {
      outcome.elapsedSeconds = (performance.now() - t0) / 1000;
      outcome.counts = progress.counts;
      for (const [m, t] of Object.entries(progress.reachedAt) as Array<[Milestone, number]>) outcome.at[m] = (t - t0) / 1000;
      outcome.watchRestarts = progress.restarts;
      const cpu = process.cpuUsage(cpu0);
      outcome.benchCpuSeconds = (cpu.user + cpu.system) / 1e6;
      outcome.writes = counterDelta(before, await readEtcdCounters(cluster.etcd.endpoint));
      outcome.byKind = await readWritesByKind(cluster.etcd.endpoint).catch(() => undefined);
      // A create still pending at the deadline fails once the cluster stops; that is reported above.
      creates.catch(() => undefined);
    }
  } catch (err) {
    outcome.error = err instanceof Error ? err.message : String(err);
  } finally {
    progress.stop();
    outcome.usage = sampler.stop();
    outcome.peakGroupRssKb = sampler.peakGroupRssKb;
  }
  return outcome;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const host = calibrateHost();
  const cluster = new TestCluster();
  let stopping: Promise<void> | undefined;
  const cleanup = () => (stopping ??= cluster.stop());
  const abort = (code: number, why: string) => {
    process.stderr.write(`${why}: stopping the cluster\n`);
    void cleanup().finally(() => process.exit(code));
  };
  process.once('SIGINT', () => abort(130, 'SIGINT'));
  process.once('SIGTERM', () => abort(143, 'SIGTERM'));
  // Last resort if a step hangs past the deadline without noticing it.
  setTimeout(() => abort(3, 'hard timeout'), (args.timeoutSeconds + 90) * 1000).unref();

  let outcome: Outcome;
  try {
    outcome = await run(args, cluster, performance.now() + args.timeoutSeconds * 1000);
  } finally {
    await cleanup();
  }
  const text = table(outcome);
  process.stdout.write(`${text}\n`);
  if (args.record) {
    const date = new Date().toISOString().slice(0, 10);
    const header =
      `\n## Scheduler end to end (bench/scheduler/end-to-end.ts), ${date}\n\n` +
      `\`node dist/bench/scheduler/end-to-end.js --nodes ${args.nodes} --deployments ${args.deployments} --replicas ${args.replicas} --agents ${args.agents} --agent-workers ${args.agentWorkers} --lease-seconds ${args.leaseSeconds}\`: ` +
      `etcd, NATS, apiserver, scheduler, controller-manager and hollow-node agents as separate processes on one machine (${describeHost(host)}). ` +
      'Times from the first Deployment create, observed by one pod watch. Goals: (b) 50,000 pods on 5,000 nodes ≥ 500 pods/s bound and Running; ' +
      '(c) 30,000 pods (300 × 100) on 1,000 nodes Running in ≤ 60 s, apiserver + scheduler + controller-manager ≤ 512 MB.\n\n';
    recordResult(`${header}${text}\n`);
  }
  const complete = outcome.at.running !== undefined && !outcome.error;
  process.exit(complete ? 0 : 1);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
