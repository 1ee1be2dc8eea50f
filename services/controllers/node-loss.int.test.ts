import { SYSTEM_NAMESPACE } from '../../lib/api';
import type { ManagedProcess } from '../../lib/servers/process';
import { waitUntil } from '../../lib/servers/process';
import { TestCluster } from '../../lib/testing/cluster';
import { deployment, livePods, pinned, waitForRollout } from './test/fixtures';

/** Seconds: lease silence before Ready=Unknown, then not-ready time before eviction. */
const GRACE = 2;
const EVICTION = 2;

/** A cluster where every hollow node is its own agent process, so a node can be stopped alone. */
async function clusterOfSingleNodeAgents(c: TestCluster, n: number): Promise<Map<string, ManagedProcess>> {
  await c.start();
  const agents = new Map<string, ManagedProcess>();
  for (let i = 0; i < n; i++) agents.set(`node${i}-0`, c.agent(`node${i}-`));
  c.scheduler('s1');
  c.controllerManager('cm1', { gracePeriod: GRACE, evictionTimeout: EVICTION });
  await c.waitForReadyNodes(n);
  return agents;
}

async function podsByNode(c: TestCluster, name: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const p of await livePods(c.client, name)) out.set(p.spec?.nodeName ?? '', (out.get(p.spec?.nodeName ?? '') ?? 0) + 1);
  return out;
}

describe('a node stops', () => {
  const c = new TestCluster();
  let agents: Map<string, ManagedProcess>;
  jest.setTimeout(90_000);

  beforeAll(async () => {
    agents = await clusterOfSingleNodeAgents(c, 3);
  });
  afterAll(() => c.stop());

  it('its pods are replaced on the other nodes within 30 s', async () => {
    await c.client.create('deployments', deployment({ name: 'web', replicas: 6, image: pinned('a') }));
    await waitForRollout(c.client, 'web');
    const before = await podsByNode(c, 'web');
    const victim = [...before.entries()].sort((a, b) => b[1] - a[1])[0][0];
    expect(before.get(victim)).toBeGreaterThan(0);

    await agents.get(victim)!.kill9();
    await waitUntil(
      async () => {
        const pods = await livePods(c.client, 'web');
        return pods.length === 6 && pods.every((p) => p.spec?.nodeName && p.spec.nodeName !== victim && p.status?.phase === 'Running');
      },
      30_000,
      'pods replaced on healthy nodes',
      200,
    );
    const replacedAt = Date.now();
    // Eviction went through the lifecycle controller (Ready=Unknown first), not a side effect of something else.
    const node = await c.client.get('nodes', '', victim);
    expect(node.status?.conditions?.find((x) => x.type === 'Ready')?.status).toBe('Unknown');
    // Not before the grace period and the eviction timeout had passed since the node's last
    // heartbeat (which may precede the kill by a renew interval and the Lease batcher's tick).
    const lease = await c.client.get('leases', SYSTEM_NAMESPACE, victim);
    expect(replacedAt - Date.parse(lease.spec!.renewTime)).toBeGreaterThanOrEqual((GRACE + EVICTION) * 1000);
    const events = (await c.client.list('events')).items.filter((e) => e.involvedObject?.name === victim);
    expect(events.map((e) => e.reason)).toEqual(expect.arrayContaining(['NodeNotReady', 'NodeEviction']));
  });
});

describe('more than 55% of the nodes stop at once', () => {
  const c = new TestCluster();
  let agents: Map<string, ManagedProcess>;
  jest.setTimeout(90_000);

  beforeAll(async () => {
    agents = await clusterOfSingleNodeAgents(c, 5);
  });
  afterAll(() => c.stop());

  it('no pod is evicted, and an Event says why', async () => {
    await c.client.create('deployments', deployment({ name: 'web', replicas: 10, image: pinned('a') }));
    await waitForRollout(c.client, 'web');
    const before = await livePods(c.client, 'web');
    const victims = ['node0-0', 'node1-0', 'node2-0'];
    expect(before.filter((p) => victims.includes(p.spec?.nodeName ?? '')).length).toBeGreaterThan(0);

    await Promise.all(victims.map((v) => agents.get(v)!.kill9()));
    // The controller records EvictionHalted at the very pass that would otherwise have evicted.
    await waitUntil(
      async () => (await c.client.list('events')).items.some((e) => e.reason === 'EvictionHalted' && victims.includes(e.involvedObject?.name ?? '')),
      30_000,
      'EvictionHalted event',
      200,
    );
    const nodes = (await c.client.list('nodes')).items;
    for (const v of victims) expect(nodes.find((n) => n.metadata?.name === v)?.status?.conditions?.find((x) => x.type === 'Ready')?.status).toBe('Unknown');
    const after = await livePods(c.client, 'web');
    expect(after.map((p) => p.metadata?.uid).sort()).toEqual(before.map((p) => p.metadata?.uid).sort());
    const halted = (await c.client.list('events')).items.find((e) => e.reason === 'EvictionHalted');
    expect(halted?.message).toMatch(/3 of 5 nodes are not ready/);
    expect((await c.client.list('events')).items.filter((e) => e.reason === 'NodeEviction')).toHaveLength(0);
  });
});
