import type { ContainerStatus } from '../../lib/api';
import { computePodStatus, podPhase, type PodStatusInput } from './pod-status';
import { observation, testPod } from './pod-test-fixtures';

const NOW = Date.parse('2024-05-01T10:00:00.000Z');

function status(partial: Partial<PodStatusInput>) {
  return computePodStatus({ pod: testPod([{}]), observed: observation(), memory: { containers: {} }, waiting: {}, now: NOW, hostIp: '192.168.1.2', ...partial });
}
const cond = (s: ReturnType<typeof status>, type: string) => s.conditions.find((c) => c.type === type)?.status;

describe('computePodStatus', () => {
  it('running container without readiness probe is ready', () => {
    const s = status({ observed: observation({ c0: { startedAt: NOW - 1000 } }) });
    expect(s.phase).toBe('Running');
    expect(s.podIp).toBe('10.0.0.5');
    expect(s.containerStatuses[0]).toMatchObject({ ready: true, started: true, imageId: 'busybox@sha256:aa', containerId: 'c0-id' });
    expect(s.containerStatuses[0].state?.running?.startedAt).toBe(new Date(NOW - 1000).toISOString());
    expect([cond(s, 'ContainersReady'), cond(s, 'Ready'), cond(s, 'Initialized')]).toEqual(['True', 'True', 'True']);
  });

  it('readiness probe gates Ready', () => {
    const pod = testPod([{ readinessProbe: { periodSeconds: 1 } as never }]);
    const notYet = status({ pod, observed: observation({ c0: {} }) });
    expect(cond(notYet, 'Ready')).toBe('False');
    const ready = status({ pod, observed: observation({ c0: {} }, { probes: { c0: { ready: true, alive: true } } }) });
    expect(cond(ready, 'Ready')).toBe('True');
  });

  it('deleting pod is not Ready even when its containers are', () => {
    const s = status({ pod: testPod([{}], { deleting: true }), observed: observation({ c0: {} }) });
    expect(cond(s, 'ContainersReady')).toBe('True');
    expect(s.conditions.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'PodTerminating' });
  });

  it('waiting reasons and the last termination are reported', () => {
    const s = status({
      observed: observation({ c0: { state: 'exited', exitCode: 1, oomKilled: true, finishedAt: NOW - 100 } }),
      memory: { containers: { c0: { restartCount: 3 } } },
      waiting: { c0: { reason: 'CrashLoopBackOff', message: 'back-off 40s' } },
    });
    const c = s.containerStatuses[0];
    expect(c.state?.waiting).toEqual({ reason: 'CrashLoopBackOff', message: 'back-off 40s' });
    expect(c.lastState?.terminated).toMatchObject({ exitCode: 1, reason: 'OOMKilled' });
    expect(c.restartCount).toBe(3);
    expect(s.phase).toBe('Running');
  });

  it('exit code 137 without the OOM flag is Error, not OOMKilled', () => {
    const s = status({ pod: testPod([{}], { restartPolicy: 'Never' }), observed: observation({ c0: { state: 'exited', exitCode: 137 } }) });
    expect(s.containerStatuses[0].state?.terminated).toMatchObject({ exitCode: 137, reason: 'Error' });
    expect(s.phase).toBe('Failed');
  });

  it('ErrImagePull carries the registry message and keeps the pod Pending', () => {
    const s = status({ observed: observation({}), waiting: { c0: { reason: 'ErrImagePull', message: 'manifest unknown' } } });
    expect(s.containerStatuses[0].state?.waiting).toEqual({ reason: 'ErrImagePull', message: 'manifest unknown' });
    expect(s.phase).toBe('Pending');
  });

  it('keeps lastTransitionTime while a condition holds', () => {
    const first = status({ observed: observation({ c0: {} }), now: NOW });
    const pod = testPod([{}]);
    pod.status = first;
    const later = computePodStatus({ pod, observed: observation({ c0: {} }), memory: { containers: {} }, waiting: {}, now: NOW + 60_000, hostIp: '' });
    expect(later.conditions.find((c) => c.type === 'Ready')?.lastTransitionTime).toBe(new Date(NOW).toISOString());
  });

  it('a terminal phase never goes back', () => {
    const s = status({ pod: testPod([{}], { phase: 'Succeeded' }), observed: observation({ c0: {} }) });
    expect(s.phase).toBe('Succeeded');
  });
});

describe('podPhase', () => {
  const running: ContainerStatus = { state: { running: { startedAt: '' } } } as ContainerStatus;
  const waiting: ContainerStatus = { state: { waiting: { reason: 'x', message: '' } } } as ContainerStatus;
  const ok: ContainerStatus = { state: { terminated: { exitCode: 0 } } } as ContainerStatus;
  const bad: ContainerStatus = { state: { terminated: { exitCode: 1 } } } as ContainerStatus;
  const restarting: ContainerStatus = { state: { waiting: { reason: 'CrashLoopBackOff', message: '' } }, lastState: { terminated: { exitCode: 1 } } } as ContainerStatus;
  const cases: [string, ContainerStatus[], string, string][] = [
    ['one waiting', [running, waiting], 'Always', 'Pending'],
    ['all running', [running, running], 'Always', 'Running'],
    ['restarting counts as stopped', [restarting], 'Always', 'Running'],
    ['all succeeded, Never', [ok, ok], 'Never', 'Succeeded'],
    ['all succeeded, OnFailure', [ok], 'OnFailure', 'Succeeded'],
    ['all succeeded, Always', [ok], 'Always', 'Running'],
    ['one failed, Never', [ok, bad], 'Never', 'Failed'],
    ['one failed, OnFailure', [bad], 'OnFailure', 'Running'],
    ['running and done', [running, ok], 'Never', 'Running'],
  ];
  it.each(cases)('%s', (_n, statuses, policy, want) => expect(podPhase(statuses, policy)).toBe(want));
});
