// Scheduler benchmark (a): the algorithm in process over a cache of 5,000 nodes, binding stubbed
// (each decision is assumed in the cache, as the real loop does before BindMany).
// Run: npx ts-node is not installed; build first: npx tsc -p . && node dist/bench/scheduler/algorithm.js
import { parseArgs } from 'node:util';
import { Node, Pod } from '../../lib/api';
import { SchedulerCache } from '../../services/scheduler/cache';
import { podFacts } from '../../services/scheduler/pod-facts';
import { schedule } from '../../services/scheduler/schedule';
import { calibrateHost, describeHost, recordResult } from '../machine';

function run(nodes: number, pods: number, owners: number): { podsPerSec: number; ms: number; unschedulable: number } {
  const cache = new SchedulerCache();
  for (let i = 0; i < nodes; i++) {
    cache.upsertNode(
      Node.fromPartial({
        metadata: { name: `node-${i}`, labels: { zone: `z${i % 3}` } },
        status: {
          allocatable: { cpu: '32', memory: '128Gi', pods: '110' },
          conditions: [{ type: 'Ready', status: 'True' }],
          images: i % 2 ? [{ names: ['docker.io/library/app:1.0'], digest: 'sha256:img', layers: [{ digest: 'sha256:l1', size: 5_000_000 }, { digest: 'sha256:l2', size: 1_000_000 }] }] : [],
        },
      }),
    );
  }
  const facts = Array.from({ length: pods }, (_, i) =>
    podFacts(
      `default/p${i}`,
      Pod.fromPartial({
        metadata: { name: `p${i}`, namespace: 'default', ownerReferences: [{ kind: 'ReplicaSet', name: `rs${i % owners}`, uid: `rs${i % owners}`, controller: true }] },
        spec: { containers: [{ name: 'app', image: 'app:1.0', resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: {} } }] },
      }),
    ),
  );
  let unschedulable = 0;
  const t0 = process.hrtime.bigint();
  for (const f of facts) {
    const r = schedule(f, cache);
    if ('node' in r) cache.assume(f, r.node);
    else unschedulable++;
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return { podsPerSec: Math.round((pods / ms) * 1000), ms: Math.round(ms), unschedulable };
}

const { values: args } = parseArgs({ options: { record: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } } });
if (args.help) {
  console.log('usage: node dist/bench/scheduler/algorithm.js [--record: append the result to bench/RESULTS.md]');
  process.exit(0);
}

const rows = [
  { nodes: 100, pods: 5_000, owners: 50 },
  { nodes: 1_000, pods: 10_000, owners: 100 },
  { nodes: 5_000, pods: 20_000, owners: 200 },
].map((c) => ({ ...c, ...run(c.nodes, c.pods, c.owners) }));

const lines = ['| nodes | pods | owners | time ms | pods/s | unschedulable |', '|---:|---:|---:|---:|---:|---:|', ...rows.map((r) => `| ${r.nodes} | ${r.pods} | ${r.owners} | ${r.ms} | ${r.podsPerSec} | ${r.unschedulable} |`)];
process.stdout.write(`${lines.join('\n')}\n`);
if (args.record) {
  const host = calibrateHost(); // after the runs, so its garbage is not theirs to collect
  recordResult(`\n## Scheduler\n\n(a) Algorithm in process (filters + scores, assume, bind stubbed), ${new Date().toISOString().slice(0, 10)}; ${describeHost(host)}; goal ≥ 1,500 pods/s at 5,000 nodes.\n\n${lines.join('\n')}\n`);
}
