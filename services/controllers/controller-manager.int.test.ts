import { Deployment } from '../../lib/api';
import { waitUntil } from '../../lib/servers/process';
import { TestCluster } from '../../lib/testing/cluster';

// A digest-pinned image: the controller-manager records it without asking a registry.
const IMAGE = `app@sha256:${'a'.repeat(64)}`;

describe('scheduler + controller-manager on a real control plane with hollow nodes', () => {
  const c = new TestCluster();
  jest.setTimeout(120_000);

  beforeAll(async () => {
    await c.start();
    c.spawn('agent', ['agent', '--apiserver', c.apiserver, '--nats', c.nats.url, '--simulate-nodes', '3', '--heartbeat-seconds', '1']);
    c.spawn('scheduler', ['scheduler', '--apiserver', c.apiserver, '--nats', c.nats.url, '--id', 's1']);
    c.spawn('cm', ['controller-manager', '--apiserver', c.apiserver, '--nats', c.nats.url, '--cluster-cidr', '10.244.0.0/16', '--id', 'cm1']);
    await waitUntil(async () => (await c.client.list('nodes')).items.filter((n) => n.spec?.podCidr).length === 3, 30_000, '3 nodes with pod CIDRs');
  });
  afterAll(() => c.stop());

  it('places 10 replicas on 3 nodes at most 4 per node, each node with its own /24', async () => {
    const nodes = (await c.client.list('nodes')).items;
    expect(new Set(nodes.map((n) => n.spec?.podCidr)).size).toBe(3);
    await c.client.create(
      'deployments',
      Deployment.fromPartial({
        metadata: { name: 'web', namespace: 'default' },
        spec: { replicas: 10, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: IMAGE }] } } },
      }),
    );
    let perNode = new Map<string, number>();
    await waitUntil(
      async () => {
        const pods = (await c.client.list('pods', { namespace: 'default' })).items.filter((p) => !p.metadata?.deletionTimestamp && p.spec?.nodeName);
        perNode = new Map();
        for (const p of pods) perNode.set(p.spec!.nodeName, (perNode.get(p.spec!.nodeName) ?? 0) + 1);
        return pods.length === 10;
      },
      60_000,
      '10 bound pods',
    );
    expect(Math.max(...perNode.values())).toBeLessThanOrEqual(4);
    const rs = (await c.client.list('replicasets', { namespace: 'default' })).items;
    expect(rs).toHaveLength(1);
    expect(JSON.parse(rs[0].metadata?.annotations?.['berth.dev/image-digests'] ?? '{}')).toEqual({ web: `docker.io/library/${IMAGE}` });
  });

  it('deleting the Deployment removes its ReplicaSet and pods', async () => {
    await c.client.delete('deployments', 'default', 'web');
    await waitUntil(async () => (await c.client.list('replicasets', { namespace: 'default' })).items.length === 0, 60_000, 'replica sets collected');
    await waitUntil(async () => (await c.client.list('pods', { namespace: 'default' })).items.every((p) => !!p.metadata?.deletionTimestamp), 60_000, 'pods collected');
  });
});
