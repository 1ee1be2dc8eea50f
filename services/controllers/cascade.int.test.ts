import { waitUntil } from '../../lib/servers/process';
import { TestCluster } from '../../lib/testing/cluster';
import { deployment, pinned, waitForRollout } from './test/fixtures';

describe('deleting a Deployment with a propagation policy', () => {
  const c = new TestCluster();
  jest.setTimeout(90_000);

  beforeAll(async () => {
    await c.start();
    c.agent('gc-', 2);
    c.scheduler('s1');
    c.controllerManager('cm1');
    await c.waitForReadyNodes(2);
  });
  afterAll(() => c.stop());

  const podsOf = async (app: string) => (await c.client.list('pods', { namespace: 'default', labelSelector: `app=${app}` })).items;
  const rssOf = async (app: string) => (await c.client.list('replicasets', { namespace: 'default', labelSelector: `app=${app}` })).items;

  it('foreground: the Deployment stays (with its finalizer) until its ReplicaSets and pods are gone', async () => {
    await c.client.create('deployments', deployment({ name: 'fg', replicas: 3, image: pinned('a') }));
    await waitForRollout(c.client, 'fg');
    await c.client.delete('deployments', 'default', 'fg', { propagationPolicy: 'Foreground' });
    const d = await c.client.get('deployments', 'default', 'fg');
    expect(d.metadata?.deletionTimestamp).toBeTruthy();
    expect(d.metadata?.finalizers).toContain('foregroundDeletion');
    await waitUntil(
      async () => {
        try {
          await c.client.get('deployments', 'default', 'fg');
          return false;
        } catch {
          return true;
        }
      },
      45_000,
      'deployment gone',
      200,
    );
    // The owner went last: nothing it owned is left behind.
    expect(await rssOf('fg')).toEqual([]);
    expect(await podsOf('fg')).toEqual([]);
  });

  it('orphan: the ReplicaSet and pods stay, without the owner reference', async () => {
    await c.client.create('deployments', deployment({ name: 'or', replicas: 2, image: pinned('a') }));
    await waitForRollout(c.client, 'or');
    const podUids = (await podsOf('or')).map((p) => p.metadata?.uid).sort();
    await c.client.delete('deployments', 'default', 'or', { propagationPolicy: 'Orphan' });
    await waitUntil(
      async () => {
        try {
          await c.client.get('deployments', 'default', 'or');
          return false;
        } catch {
          return true;
        }
      },
      45_000,
      'deployment gone',
      200,
    );
    const rss = await rssOf('or');
    expect(rss).toHaveLength(1);
    expect(rss[0].metadata?.ownerReferences).toEqual([]);
    expect(rss[0].metadata?.deletionTimestamp).toBeFalsy();
    // The orphaned ReplicaSet keeps running the same pods.
    const pods = (await podsOf('or')).filter((p) => !p.metadata?.deletionTimestamp);
    expect(pods.map((p) => p.metadata?.uid).sort()).toEqual(podUids);
  });
});
