// The multi-node end-to-end suite: one real 3-node `berth dev up` cluster (etcd, NATS, registry,
// apiserver, scheduler, controller-manager, three agents in their own netns running runc
// containers), brought up once and taken down with `dev down --purge` at the end. The
// scenarios run in order on the same cluster, each starting from the state the last left.
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { Pod, type Deployment } from '../lib/api/types';
import { waitUntil } from '../lib/servers/process';
import { processLiveness } from '../cli/dev/proc-identity';
import { readState } from '../cli/dev/state';
import { buildTestImages, type BuiltImage } from '../scripts/images/build';
import { pushImage } from '../scripts/images/push';
import { berth, leftovers, manifest, processRecord, startCluster, stopCluster, up, type E2eCluster } from './harness/cluster';
import { crashNode, nodeRemnants } from './harness/node-loss';
import { isReady, ReadyPods, requestReadyPods } from './harness/ready-pods';
import { blobGets, imageFacts } from './harness/registry';

jest.setTimeout(600_000);

const NS = 'default';
const HELLO = 'app=hello';
let c: E2eCluster;

/** The hello pods not being deleted. */
async function livePods(): Promise<Pod[]> {
  return (await c.client.list('pods', { namespace: NS, labelSelector: HELLO })).items.filter((p) => !p.metadata?.deletionTimestamp);
}

function image(p: Pod): string {
  return p.spec?.containers[0]?.image ?? '';
}

/** Waits until hello runs exactly `n` ready pods of `img` and nothing else (no old or terminating pod). */
async function settled(img: string, n = 3, timeoutMs = 180_000): Promise<Pod[]> {
  let pods: Pod[] = [];
  let all: Pod[] = [];
  try {
    await waitUntil(
      async () => {
        all = (await c.client.list('pods', { namespace: NS, labelSelector: HELLO })).items;
        pods = all.filter((p) => !p.metadata?.deletionTimestamp);
        return all.length === n && pods.length === n && pods.every((p) => image(p) === img && isReady(p));
      },
      timeoutMs,
      `${n} ready pods of ${img}`,
      500,
    );
  } catch (err) {
    const seen = all.map((p) => `${p.metadata?.name} ${image(p)} ${p.spec?.nodeName} ready=${isReady(p)} deleting=${!!p.metadata?.deletionTimestamp}`);
    throw new Error(`${(err as Error).message}; pods: ${seen.join('; ')}`);
  }
  return pods;
}

async function hello(): Promise<Deployment> {
  return c.client.get('deployments', NS, 'hello');
}

function reg(name: string): string {
  return `${c.registryName}/${name}`;
}

/** Pushes one of the project's test images under another name or tag. */
async function push(pick: (images: Awaited<ReturnType<typeof buildTestImages>>['images']) => BuiltImage, repo: string, tag: string): Promise<void> {
  const built = await buildTestImages(path.join(c.settings.dir, 'e2e-images'));
  await pushImage(built.layout, pick(built.images), { registry: c.registryName, repo, tag });
}

function waitingReason(p: Pod | undefined): string {
  return p?.status?.containerStatuses[0]?.state?.waiting?.reason ?? '';
}

/** A bare pod (no controller), so that its node's agent resolves and pulls the image itself. */
async function createPod(name: string, img: string): Promise<void> {
  await c.client.create('pods', Pod.fromPartial({ metadata: { name, namespace: NS, labels: { e2e: name } }, spec: { containers: [{ name: 'web', image: img }] } }));
}

/**
 * Creates a bare pod and times, on one watch, the scheduler's bind (nodeName appears) to the
 * agent's first status write (hostIP appears). Returns milliseconds.
 */
async function bindToAgentStatusMs(name: string, img: string): Promise<number> {
  const stream = c.client.watch('pods', { namespace: NS, labelSelector: `e2e=${name}` });
  try {
    let bound = 0;
    const seen = (async () => {
      for await (const ev of stream) {
        const p = ev.object;
        if (!bound && p?.spec?.nodeName) bound = Date.now();
        if (bound && p?.status?.hostIp) return Date.now() - bound;
      }
      throw new Error('watch ended');
    })();
    await createPod(name, img);
    return await Promise.race([seen, new Promise<number>((_, rej) => setTimeout(() => rej(new Error(`${name}: no agent status in 60 s`)), 60_000))]);
  } finally {
    stream.close();
  }
}

async function deletePod(name: string): Promise<void> {
  await c.client.delete('pods', NS, name);
  await waitUntil(async () => (await c.client.list('pods', { namespace: NS, labelSelector: `e2e=${name}` })).items.length === 0, 60_000, `${name} gone`, 500);
}

/** Established client connections to the NATS server (its sockets are in the host's netns). */
function natsClients(): number {
  const out = execFileSync('ss', ['-Htn', 'state', 'established', `( sport = :${c.settings.ports.nats} )`], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l.trim() !== '').length;
}

beforeAll(async () => {
  c = await startCluster(3);
}, 300_000);

afterAll(async () => {
  if (!c) return;
  const pids = Object.values(readState(c.settings.dir)?.processes ?? {}).map((p) => p.pid);
  await stopCluster(c);
  expect(leftovers(c.settings, pids)).toEqual([]);
}, 120_000);

describe('a 3-node cluster', () => {
  let helloV1 = '';

  test('1. hello deploys on 3 nodes: all Running, one pod per node', async () => {
    await berth(c, ['apply', '-f', manifest(c, 'hello.yaml')]);
    const pods = await settled(reg('hello:1.0'));
    expect(pods.map((p) => p.status?.phase)).toEqual(['Running', 'Running', 'Running']);
    expect(new Set(pods.map((p) => p.spec?.nodeName))).toEqual(new Set(c.nodes.map((n) => n.name)));
    helloV1 = (await imageFacts(c.registryName, 'hello', '1.0')).digest;
    for (const p of pods) expect(p.status?.containerStatuses[0]?.imageId).toContain(helloV1);
  });

  test('2. a pod on node 1 reaches a pod on node 2 (berth exec → apiserver → agent)', async () => {
    const pods = await livePods();
    const onNode = (i: number): Pod => {
      const p = pods.find((x) => x.spec?.nodeName === c.nodes[i]?.name);
      if (!p) throw new Error(`no hello pod on ${c.nodes[i]?.name}`);
      return p;
    };
    const from = onNode(0);
    const to = onNode(1);
    const out = await berth(c, ['exec', from.metadata?.name ?? '', '--', 'wget', '-qO-', `http://${to.status?.podIp}:8080/`]);
    expect(out).toBe('hello 1.0\n');
  });

  test('3+9. rolling update 1.0 → 2.0: zero failed requests to ready pods; nodes pull only the new layer', async () => {
    const v1 = await imageFacts(c.registryName, 'hello', '1.0');
    const v2 = await imageFacts(c.registryName, 'hello', '2.0');
    const shared = v1.layers.filter((l) => v2.layers.includes(l));
    const added = v2.layers.filter((l) => !v1.layers.includes(l));
    expect(shared.length).toBeGreaterThan(0);
    expect(added).toHaveLength(1);
    const registryLog = readState(c.settings.dir)?.processes['registry-bridge']?.logFile ?? '';
    const before = blobGets(registryLog);
    // Every node ran 1.0, so each has the shared layers once.
    for (const l of shared) expect(before.get(l)).toBe(3);

    const ready = new ReadyPods(c.client, NS, HELLO);
    try {
      await waitUntil(() => ready.addresses().length === 3, 30_000, 'the ready set');
      let finish!: () => void;
      const rolloutDone = new Promise<void>((r) => (finish = r));
      const load = requestReadyPods(ready, 8080, rolloutDone, 240_000);
      await berth(c, ['apply', '-f', manifest(c, 'hello/v2.yaml')]);
      await settled(reg('hello:2.0')).finally(finish);
      const result = await load;
      console.log(`rolling update under load: ${result.ok} requests ok, ${result.failed.length} failed, bodies ${JSON.stringify([...result.bodies])}`);
      expect(result.failed).toEqual([]);
      expect(result.bodies.get('hello 1.0')).toBeGreaterThan(0);
      expect(result.bodies.get('hello 2.0')).toBeGreaterThan(0);
    } finally {
      ready.close();
    }

    const after = blobGets(registryLog);
    for (const l of shared) expect(after.get(l)).toBe(3);
    expect(after.get(added[0] ?? '')).toBeGreaterThanOrEqual(1);
    expect(after.get(added[0] ?? '')).toBeLessThanOrEqual(3);
  });

  test('4. a crashing 3.0 rolls back by itself; undo --to-tag 1.0 runs the old 1.0 digest after 1.0 was pushed again', async () => {
    // A shorter progress deadline than the example's 60 s, to keep the suite short.
    const short = (t: string): string => t.replace('progressDeadlineSeconds: 60', 'progressDeadlineSeconds: 20');
    await berth(c, ['apply', '-f', manifest(c, 'hello/v3-broken.yaml', short)]);
    await waitUntil(async () => (await hello()).status?.conditions.some((x) => x.type === 'RolledBack' && x.status === 'True') ?? false, 150_000, 'RolledBack', 1000);
    expect((await hello()).spec?.template?.spec?.containers[0]?.image).toBe(reg('hello:2.0'));
    await settled(reg('hello:2.0'));

    await push((i) => i.hello2, 'hello', '1.0');
    const repushed = (await imageFacts(c.registryName, 'hello', '1.0')).digest;
    expect(repushed).not.toBe(helloV1);
    await berth(c, ['rollout', 'undo', 'deploy/hello', '--to-tag', '1.0']);
    const pods = await settled(reg('hello:1.0'));
    for (const p of pods) {
      expect(p.status?.containerStatuses[0]?.imageId).toContain(helloV1);
      const res = await fetch(`http://${p.status?.podIp}:8080/`, { signal: AbortSignal.timeout(5000) });
      expect(await res.text()).toBe('hello 1.0\n');
    }
    const rs = (await c.client.list('replicasets', { namespace: NS, labelSelector: HELLO })).items.filter((r) => (r.spec?.replicas ?? 0) > 0);
    expect(rs).toHaveLength(1);
    expect(rs[0]?.metadata?.annotations['berth.dev/image-digests']).toContain(helloV1);
    // Back to the example's deadline (same template: no new rollout), so restarts below cannot trip it.
    await berth(c, ['apply', '-f', manifest(c, 'hello.yaml')]);
  });

  test('6. kill -9 of apiserver, scheduler and controller-manager mid-rollout: the rollout completes, no replica lost or doubled', async () => {
    await berth(c, ['set', 'image', 'deploy/hello', `hello=${reg('hello:2.0')}`]);
    let newPods = 0;
    const atKill: number[] = [];
    for (const name of ['apiserver', 'scheduler', 'controller-manager']) {
      // Each kill lands after the rollout made one more step (one more 2.0 pod), or at its end.
      await waitUntil(
        async () => {
          const n = (await livePods()).filter((p) => image(p) === reg('hello:2.0')).length;
          return n > newPods || n === 3;
        },
        120_000,
        `a new 2.0 pod before killing ${name}`,
        100,
      ).catch(() => undefined);
      newPods = (await livePods().catch(() => [])).filter((p) => image(p) === reg('hello:2.0')).length;
      atKill.push(newPods);
      const rec = processRecord(c, name);
      process.kill(rec.pid, 'SIGKILL');
      await waitUntil(() => processLiveness(rec) !== 'running', 10_000, `${name} dead`);
      const again = await up(c);
      expect(again.processes[name]?.pid).not.toBe(rec.pid);
    }
    console.log(`kill -9 of apiserver, scheduler, controller-manager with ${atKill.join(', ')} of 3 new pods created`);
    // The first kill at least lands before the rollout is done.
    expect(atKill[0]).toBeLessThan(3);
    const pods = await settled(reg('hello:2.0'));
    expect(new Set(pods.map((p) => p.metadata?.name)).size).toBe(3);
    await waitUntil(async () => {
      const d = await hello();
      return d.status?.updatedReplicas === 3 && d.status?.availableReplicas === 3 && d.status?.replicas === 3;
    }, 60_000, 'deployment status 3/3/3', 500);
    const rs = (await c.client.list('replicasets', { namespace: NS, labelSelector: HELLO })).items;
    expect(rs.map((r) => r.spec?.replicas ?? 0).reduce((a, b) => a + b, 0)).toBe(3);
  });

  test('7. NATS: a bound pod starts at once; without NATS the cluster converges within the resync; NATS is picked up again', async () => {
    const fast = await bindToAgentStatusMs('nats-up', reg('hello:2.0'));
    console.log(`bind → agent's first status write with NATS: ${fast} ms`);
    expect(fast).toBeLessThan(3000);
    await deletePod('nats-up');
    const clientsBefore = natsClients();
    // apiserver, scheduler, controller-manager and three agents
    expect(clientsBefore).toBeGreaterThanOrEqual(6);

    const nats = processRecord(c, 'nats');
    process.kill(nats.pid, 'SIGKILL');
    await waitUntil(() => processLiveness(nats) !== 'running', 10_000, 'nats dead');
    const started = Date.now();
    await berth(c, ['scale', 'deploy/hello', '--replicas', '4']);
    // Without NATS the watches still deliver, only later; 45 s stays under the agents' 60 s per-pod
    // resync, so the watch path, not the resync, is what converges.
    await settled(reg('hello:2.0'), 4, 45_000);
    const slow = await bindToAgentStatusMs('nats-down', reg('hello:2.0'));
    console.log(`without NATS: scale 3 → 4 converged in ${Date.now() - started} ms; bind → agent status ${slow} ms`);
    await deletePod('nats-down');

    await up(c);
    await waitUntil(() => natsClients() >= clientsBefore, 60_000, `${clientsBefore} NATS clients back`, 500);
    const back = await bindToAgentStatusMs('nats-back', reg('hello:2.0'));
    console.log(`bind → agent's first status write after NATS returned: ${back} ms`);
    expect(back).toBeLessThan(3000);
    await deletePod('nats-back');
    await berth(c, ['scale', 'deploy/hello', '--replicas', '3']);
    await settled(reg('hello:2.0'));
  });

  test('8. registry down during a pull: ErrImagePull/ImagePullBackOff, then Running when it returns', async () => {
    await push((i) => i.hello1, 'hello-e2e', '1.0');
    for (const name of ['registry-local', 'registry-bridge']) {
      const rec = processRecord(c, name);
      process.kill(rec.pid, 'SIGKILL');
      await waitUntil(() => processLiveness(rec) !== 'running', 10_000, `${name} dead`);
    }
    await createPod('pull', reg('hello-e2e:1.0'));
    const get = async (): Promise<Pod> => c.client.get('pods', NS, 'pull');
    await waitUntil(async () => ['ErrImagePull', 'ImagePullBackOff'].includes(waitingReason(await get())), 60_000, 'a pull error', 500);
    await up(c);
    await waitUntil(async () => isReady(await get()), 120_000, 'the pod running after the registry returned', 500);
    expect((await get()).status?.containerStatuses[0]?.imageId).toContain((await imageFacts(c.registryName, 'hello-e2e', '1.0')).digest);
    await deletePod('pull');
  });

  test('5. node loss: pods replaced on the other nodes; the returning node cleans up', async () => {
    const lost = c.nodes[2];
    if (!lost) throw new Error('no node 3');
    const before = await settled(reg('hello:2.0'));
    const onLost = before.filter((p) => p.spec?.nodeName === lost.name).map((p) => p.metadata?.uid);
    expect(onLost.length).toBeGreaterThan(0);
    expect((await nodeRemnants(lost)).podNetns.length).toBeGreaterThan(0);

    await crashNode(lost, processRecord(c, 'agent-3'));
    // Grace 20 s + eviction 30 s in dev up's controller-manager flags.
    await waitUntil(
      async () => {
        const pods = await livePods();
        return pods.length === 3 && pods.every((p) => isReady(p) && p.spec?.nodeName !== lost.name);
      },
      150_000,
      'hello replaced on the other nodes',
      1000,
    );

    // What the dead node left: the returning agent, not dev up, has to clear it.
    const left = await nodeRemnants(lost);
    expect(left.podNetns.length).toBeGreaterThan(0);
    expect(left.mounts.length).toBeGreaterThan(0);
    await up(c);
    const after = await settled(reg('hello:2.0'));
    for (const uid of onLost) expect(after.map((p) => p.metadata?.uid)).not.toContain(uid);
    await waitUntil(
      async () => {
        const r = await nodeRemnants(lost);
        return r.podNetns.length === 0 && r.mounts.length === 0 && r.monitors.length === 0 && r.containers.length === 0;
      },
      60_000,
      'node 3 cleaned up',
      1000,
    ).catch(async (err: Error) => {
      throw new Error(`${err.message}: ${JSON.stringify(await nodeRemnants(lost))}`);
    });
  });
});
