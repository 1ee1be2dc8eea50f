import { DEFAULT_BACKOFF } from './backoff';
import { computePodActions } from './pod-actions';
import type { PodMemory } from './pod-model';
import { observation, testPod } from './pod-test-fixtures';

const NOW = 1_000_000;
const cfg = DEFAULT_BACKOFF;
const noMemory: PodMemory = { containers: {} };

describe('computePodActions', () => {
  const cases: {
    name: string;
    pod: ReturnType<typeof testPod>;
    obs: ReturnType<typeof observation>;
    memory?: PodMemory;
    actions: string[];
    waiting?: Record<string, string>;
    requeueAfterMs?: number;
  }[] = [
    { name: 'new pod: sandbox then start', pod: testPod([{}]), obs: observation({}, { sandbox: undefined }), actions: ['createSandbox', 'startContainer:c0'], waiting: { c0: 'ContainerCreating' } },
    { name: 'missing image is pulled first', pod: testPod([{}]), obs: observation({}, { imagePresent: {} }), actions: ['pullImage:c0', 'startContainer:c0'] },
    { name: 'policy Always pulls a tag even when present', pod: testPod([{ imagePullPolicy: 'Always' }]), obs: observation(), actions: ['pullImage:c0', 'startContainer:c0'] },
    { name: 'a pinned digest present is not pulled again', pod: testPod([{ imagePullPolicy: 'Always' }], { annotations: { 'berth.dev/image-digests': '{"c0":"busybox@sha256:aa"}' } }), obs: observation(), actions: ['startContainer:c0'] },
    { name: 'policy Never without the image waits', pod: testPod([{ imagePullPolicy: 'Never' }]), obs: observation({}, { imagePresent: {} }), actions: [], waiting: { c0: 'ErrImageNeverPull' } },
    { name: 'running and healthy: nothing to do', pod: testPod([{}]), obs: observation({ c0: {} }), actions: [] },
    { name: 'liveness failed: kill', pod: testPod([{}]), obs: observation({ c0: {} }, { probes: { c0: { alive: false } } }), actions: ['killContainer:c0'] },
    { name: 'first crash restarts at once', pod: testPod([{}]), obs: observation({ c0: { state: 'exited', exitCode: 1, startedAt: NOW - 2000, finishedAt: NOW - 1000 } }), actions: ['startContainer:c0'] },
    {
      name: 'second crash inside the back-off waits in CrashLoopBackOff',
      pod: testPod([{}]),
      obs: observation({ c0: { state: 'exited', exitCode: 1, startedAt: NOW - 2000, finishedAt: NOW - 1000 } }),
      memory: { containers: { c0: { restartCount: 1, restartDelayMs: 10_000 } } },
      actions: [],
      waiting: { c0: 'CrashLoopBackOff' },
      requeueAfterMs: 9_000,
    },
    {
      name: 'back-off over: restart',
      pod: testPod([{}]),
      obs: observation({ c0: { state: 'exited', exitCode: 1, startedAt: NOW - 20_000, finishedAt: NOW - 10_000 } }),
      memory: { containers: { c0: { restartCount: 1, restartDelayMs: 10_000 } } },
      actions: ['startContainer:c0'],
    },
    { name: 'OnFailure: exit 0 stays down', pod: testPod([{}], { restartPolicy: 'OnFailure' }), obs: observation({ c0: { state: 'exited', exitCode: 0 } }), actions: [] },
    { name: 'OnFailure: exit 2 restarts', pod: testPod([{}], { restartPolicy: 'OnFailure' }), obs: observation({ c0: { state: 'exited', exitCode: 2, finishedAt: NOW } }), actions: ['startContainer:c0'] },
    { name: 'Never: a failure stays down', pod: testPod([{}], { restartPolicy: 'Never' }), obs: observation({ c0: { state: 'exited', exitCode: 2 } }), actions: [] },
    { name: 'created but never started is replaced', pod: testPod([{}]), obs: observation({ c0: { state: 'created' } }), actions: ['startContainer:c0'] },
    {
      name: 'pull failed recently: ImagePullBackOff, no pull',
      pod: testPod([{}]),
      obs: observation({}, { imagePresent: {} }),
      memory: { containers: { c0: { restartCount: 0, pullFailure: { message: 'manifest unknown', failedAt: NOW - 4000, delayMs: 10_000 } } } },
      actions: [],
      waiting: { c0: 'ImagePullBackOff' },
      requeueAfterMs: 6_000,
    },
    {
      name: 'pull back-off over: pull again',
      pod: testPod([{}]),
      obs: observation({}, { imagePresent: {} }),
      memory: { containers: { c0: { restartCount: 0, pullFailure: { message: 'x', failedAt: NOW - 10_000, delayMs: 10_000 } } } },
      actions: ['pullImage:c0', 'startContainer:c0'],
    },
    { name: 'deleting: terminate only', pod: testPod([{}], { deleting: true }), obs: observation({ c0: {} }), actions: ['terminatePod'] },
    { name: 'terminal pod is left alone', pod: testPod([{}], { phase: 'Succeeded' }), obs: observation({ c0: { state: 'exited', exitCode: 0 } }), actions: [] },
    {
      name: 'two containers: one running, one needs start',
      pod: testPod([{}, {}]),
      obs: observation({ c0: {} }),
      actions: ['startContainer:c1'],
    },
  ];
  it.each(cases)('$name', ({ pod, obs, memory, actions, waiting, requeueAfterMs }) => {
    const plan = computePodActions(pod, obs, NOW, memory ?? noMemory, cfg);
    expect(plan.actions.map((a) => ('container' in a ? `${a.type}:${a.container}` : a.type))).toEqual(actions);
    if (waiting) expect(Object.fromEntries(Object.entries(plan.waiting).map(([k, v]) => [k, v.reason]))).toEqual(waiting);
    expect(plan.requeueAfterMs).toBe(requeueAfterMs);
  });

  it('a restart carries the doubled delay to remember', () => {
    const plan = computePodActions(
      testPod([{}]),
      observation({ c0: { state: 'exited', exitCode: 1, startedAt: NOW - 30_000, finishedAt: NOW - 20_000 } }),
      NOW,
      { containers: { c0: { restartCount: 2, restartDelayMs: 20_000 } } },
      cfg,
    );
    expect(plan.actions).toEqual([{ type: 'startContainer', container: 'c0', index: 0, restart: { nextDelayMs: 40_000 } }]);
  });

  it('runs the recorded digest, not the tag', () => {
    const pod = testPod([{}], { annotations: { 'berth.dev/image-digests': '{"c0":"reg/busybox@sha256:bb"}' } });
    const plan = computePodActions(pod, observation({}, { imagePresent: {} }), NOW, noMemory, cfg);
    expect(plan.actions[0]).toEqual({ type: 'pullImage', container: 'c0', image: 'reg/busybox@sha256:bb' });
  });
});
