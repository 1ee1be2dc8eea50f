import { getCondition } from '../../lib/controller';
import { waitUntil } from '../../lib/servers/process';
import { AUTO_ROLLBACK_ANNOTATION } from './deployment/controller';
import { TestCluster } from '../../lib/testing/cluster';
import { deployment, pinned, runningImages, updateDeployment, waitForRollout } from './test/fixtures';

describe('automatic rollback of a crash-looping release', () => {
  const c = new TestCluster();
  jest.setTimeout(90_000);

  beforeAll(async () => {
    await c.start();
    c.agent('auto-', 3);
    c.scheduler('s1');
    c.controllerManager('cm1');
    await c.waitForReadyNodes(3);
  });
  afterAll(() => c.stop());

  it('puts the previous template back, with an Event and a RolledBack condition', async () => {
    await c.client.create('deployments', deployment({ name: 'web', replicas: 4, image: pinned('a'), annotations: { [AUTO_ROLLBACK_ANNOTATION]: 'true' } }));
    const good = await waitForRollout(c.client, 'web');

    // Revision 2 crashes a second after each start: its pods restart until they count as crash-looping.
    await updateDeployment(c.client, 'web', (d) => ({
      ...d,
      spec: { ...d.spec!, template: { metadata: { ...d.spec!.template!.metadata!, annotations: { 'berth.dev/simulate-crash-after': '1s' } }, spec: { ...d.spec!.template!.spec!, containers: [{ ...d.spec!.template!.spec!.containers[0], image: pinned('b') }] } } },
    }));
    await waitUntil(async () => getCondition((await c.client.get('deployments', 'default', 'web')).status?.conditions, 'RolledBack')?.status === 'True', 60_000, 'RolledBack condition', 200);

    const d = await waitForRollout(c.client, 'web');
    expect(d.spec?.template).toEqual(good.spec?.template);
    expect(getCondition(d.status?.conditions, 'RolledBack')).toMatchObject({ status: 'True', reason: 'CrashLoop' });
    expect(getCondition(d.status?.conditions, 'RolledBack')?.message).toMatch(/revision 1/);
    expect(await runningImages(c.client, 'web')).toEqual(Array(4).fill(`docker.io/library/${pinned('a')}`));
    const events = (await c.client.list('events', { namespace: 'default' })).items.filter((e) => e.involvedObject?.name === 'web' && e.reason === 'RolledBack');
    expect(events).toHaveLength(1);
    expect(events[0].type).toBe('Warning');
  });
});
