import { Pod, type PodStatus } from '../../lib/api';
import { FakeClock } from '../../lib/controller';
import { createLogger } from '../../lib/log';
import { SimulatedPodHost, SimulatedProbes } from '../hollow/simulated-pod-host';
import { DEFAULT_BACKOFF } from './backoff';
import { InMemoryPodMemoryStore } from './pod-memory-store';
import type { PodHost } from './pod-host';
import { PodSyncer } from './pod-syncer';

// The syncer against the simulated host with an in-memory API writer (a seam, STYLE.md 10)
// and a fake clock: the whole sync loop without a cluster.
function setup(annotations: Record<string, string> = {}, restartPolicy = 'Always') {
  const clock = new FakeClock(1_000_000);
  const host = new SimulatedPodHost('n1', () => '10.244.1.0/24', clock);
  const statuses: PodStatus[] = [];
  const deletes: string[] = [];
  const requeues: number[] = [];
  const pod = Pod.fromPartial({
    metadata: { name: 'web', namespace: 'default', uid: 'u1', annotations },
    spec: { nodeName: 'n1', restartPolicy, containers: [{ name: 'app', image: 'reg/app:1.0', imagePullPolicy: 'IfNotPresent' }] },
    status: { phase: 'Pending', conditions: [] },
  });
  const syncer = new PodSyncer({
    writeStatus: async (obj) => {
      statuses.push(obj.status!);
      return obj;
    },
    client: {
      delete: async (_k, ns, name) => {
        deletes.push(`${ns}/${name}`);
        return { removed: true, object: undefined };
      },
    },
    host,
    probes: new SimulatedProbes(),
    memory: new InMemoryPodMemoryStore(),
    events: { record: () => undefined },
    clock,
    backoff: DEFAULT_BACKOFF,
    drainDelayMs: 2000,
    hostIp: '192.168.0.2',
    requeue: (_k, ms) => requeues.push(ms),
    log: createLogger(),
  });
  const sync = async () => {
    await syncer.sync('default/web', pod);
    return pod.status!;
  };
  return { clock, host, statuses, deletes, requeues, pod, syncer, sync };
}

const waiting = (s: PodStatus) => s.containerStatuses[0].state?.waiting?.reason;

describe('PodSyncer on a simulated host', () => {
  it('creates containers while the sandbox comes up; a failed sandbox fails the sync', async () => {
    const t = setup();
    const given: unknown[] = [];
    const host: PodHost = t.host;
    const start = t.host.startContainer.bind(t.host);
    host.startContainer = async (pod, index, image, sandboxReady) => {
      given.push(sandboxReady);
      await sandboxReady;
      return start(pod, index, image);
    };
    const createSandbox = t.host.createSandbox.bind(t.host);
    const down = new Error('no network');
    t.host.createSandbox = () => Promise.reject(down);
    await expect(t.sync()).rejects.toBe(down);
    expect(given).toHaveLength(1);
    await expect(given[0]).rejects.toBe(down);
    expect(t.statuses.some((s) => s.phase === 'Running')).toBe(false);

    t.host.createSandbox = createSandbox;
    expect((await t.sync()).phase).toBe('Running');
    expect(given[1]).toBeInstanceOf(Promise);
  });

  it('runs a pod to Running and Ready with a pod IP from the CIDR', async () => {
    const t = setup();
    const s = await t.sync();
    expect(s.phase).toBe('Running');
    expect(s.podIp).toBe('10.244.1.2');
    expect(s.conditions.find((c) => c.type === 'Ready')?.status).toBe('True');
    await t.sync();
    expect(t.statuses).toHaveLength(1);
  });

  it('crash after T: restarts with growing back-off into CrashLoopBackOff', async () => {
    const t = setup({ 'berth.dev/simulate-crash-after': '1s' });
    await t.sync();
    t.clock.advance(1000);
    let s = await t.sync();
    expect(s.containerStatuses[0].restartCount).toBe(1);
    expect(s.containerStatuses[0].lastState?.terminated?.exitCode).toBe(1);
    t.clock.advance(1000);
    s = await t.sync();
    expect(waiting(s)).toBe('CrashLoopBackOff');
    expect(t.requeues.at(-1)).toBe(10_000);
    t.clock.advance(10_000);
    s = await t.sync();
    expect(s.containerStatuses[0].restartCount).toBe(2);
    t.clock.advance(1000);
    await t.sync();
    expect(t.requeues.at(-1)).toBe(20_000);
  });

  it('image pull error: ErrImagePull with the message, then ImagePullBackOff', async () => {
    const t = setup({ 'berth.dev/simulate-image-pull-error': 'manifest unknown: reg/app:1.0' });
    let s = await t.sync();
    expect(s.containerStatuses[0].state?.waiting).toEqual({ reason: 'ErrImagePull', message: 'manifest unknown: reg/app:1.0' });
    expect(s.phase).toBe('Pending');
    t.clock.advance(1000);
    s = await t.sync();
    expect(waiting(s)).toBe('ImagePullBackOff');
    expect(s.containerStatuses[0].state?.waiting?.message).toContain('manifest unknown');
  });

  it('Never: a crash makes the pod Failed and it stays so', async () => {
    const t = setup({ 'berth.dev/simulate-crash-after': '1s' }, 'Never');
    await t.sync();
    t.clock.advance(1000);
    const s = await t.sync();
    expect(s.phase).toBe('Failed');
    expect(s.containerStatuses[0].state?.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
  });

  it('deletion: Ready=False first, then after the drain delay stop, clean up and confirm', async () => {
    const t = setup();
    await t.sync();
    t.pod.metadata!.deletionTimestamp = new Date(t.clock.now()).toISOString();
    t.pod.metadata!.deletionGracePeriodSeconds = 5;
    await t.sync();
    await Promise.resolve();
    expect(t.statuses.at(-1)?.conditions.find((c) => c.type === 'Ready')?.status).toBe('False');
    expect(await t.host.listPodUids()).toEqual(['u1']);
    expect(t.deletes).toEqual([]);
    t.clock.advance(2000);
    for (let i = 0; i < 10 && t.syncer.terminatingCount; i++) await new Promise((r) => setImmediate(r));
    expect(t.deletes).toEqual(['default/web']);
    expect(await t.host.listPodUids()).toEqual([]);
  });
});
