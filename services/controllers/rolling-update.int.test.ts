import type { Pod } from '../../lib/api';
import { TestCluster } from '../../lib/testing/cluster';
import { deployment, isReady, isTerminating, pinned, updateDeployment, waitForRollout } from './test/fixtures';
import { PodSampler } from './test/pod-sampler';

const REPLICAS = 8;
const MAX_SURGE = 2;
const MAX_UNAVAILABLE = 1;
const MIN_READY_SECONDS = 1;

/** Ready for at least minReadySeconds at time `at` (what the Deployment controller counts as available). */
function available(p: Pod, at: number): boolean {
  if (isTerminating(p) || !isReady(p)) return false;
  const since = Date.parse(p.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime ?? '');
  return !Number.isNaN(since) && since + MIN_READY_SECONDS * 1000 <= at;
}

describe('rolling update on hollow nodes, sampled by a watcher', () => {
  const c = new TestCluster();
  jest.setTimeout(90_000);

  beforeAll(async () => {
    await c.start();
    c.agent('roll-', 3);
    c.scheduler('s1');
    c.controllerManager('cm1');
    await c.waitForReadyNodes(3);
  });
  afterAll(() => c.stop());

  it(`never has fewer than replicas − maxUnavailable available nor more than replicas + maxSurge pods`, async () => {
    await c.client.create('deployments', deployment({ name: 'web', replicas: REPLICAS, image: pinned('a'), maxSurge: String(MAX_SURGE), maxUnavailable: String(MAX_UNAVAILABLE), minReadySeconds: MIN_READY_SECONDS }));
    await waitForRollout(c.client, 'web');

    let minAvailable = Infinity;
    let maxPods = 0;
    let mixed = 0;
    const imageOf = (p: Pod): string => p.spec?.containers[0]?.image ?? '';
    const sampler = new PodSampler(c.client, (pods, at) => {
      const live = pods.filter((p) => p.metadata?.labels?.app === 'web' && !isTerminating(p));
      minAvailable = Math.min(minAvailable, live.filter((p) => available(p, at)).length);
      maxPods = Math.max(maxPods, live.length);
      // Both revisions available at once: the rollout really went pod by pod.
      if (live.some((p) => imageOf(p) === pinned('a') && available(p, at)) && live.some((p) => imageOf(p) === pinned('b') && available(p, at))) mixed++;
    });
    await sampler.start();
    await updateDeployment(c.client, 'web', (d) => ({ ...d, spec: { ...d.spec!, template: { ...d.spec!.template!, spec: { ...d.spec!.template!.spec!, containers: [{ ...d.spec!.template!.spec!.containers[0], image: pinned('b') }] } } } }));
    await waitForRollout(c.client, 'web');
    await sampler.stop();

    expect(sampler.events).toBeGreaterThan(REPLICAS * 2);
    expect(mixed).toBeGreaterThan(0);
    expect(minAvailable).toBeGreaterThanOrEqual(REPLICAS - MAX_UNAVAILABLE);
    expect(maxPods).toBeLessThanOrEqual(REPLICAS + MAX_SURGE);
    const pods = [...sampler.pods.values()].filter((p) => !isTerminating(p));
    expect(pods.map(imageOf)).toEqual(Array(REPLICAS).fill(pinned('b')));
  });
});
