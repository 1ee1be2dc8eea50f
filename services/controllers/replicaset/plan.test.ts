import { Pod, ReplicaSet } from '../../../lib/api';
import { FakeClock } from '../../../lib/controller';
import { Expectations } from './expectations';
import { compareForDeletion, podChangeMatters } from './pod-state';
import { planReplicaSet, slowStartBatches } from './plan';

const NOW = Date.parse('2024-01-01T00:10:00Z');
const pod = (name: string, o: { node?: string; phase?: string; ready?: boolean; readySince?: string; restarts?: number; created?: string; terminating?: boolean } = {}): Pod =>
  Pod.fromPartial({
    metadata: { name, namespace: 'default', creationTimestamp: o.created ?? '2024-01-01T00:00:00Z', deletionTimestamp: o.terminating ? '2024-01-01T00:09:00Z' : '' },
    spec: { nodeName: o.node ?? '' },
    status: {
      phase: o.phase ?? 'Pending',
      conditions: o.ready !== undefined ? [{ type: 'Ready', status: o.ready ? 'True' : 'False', lastTransitionTime: o.readySince ?? '2024-01-01T00:00:00Z' }] : [],
      containerStatuses: [{ name: 'c', restartCount: o.restarts ?? 0 }],
    },
  });
const rs = (replicas: number, minReadySeconds = 0) => ReplicaSet.fromPartial({ metadata: { name: 'rs', namespace: 'default', generation: 2 }, spec: { replicas, minReadySeconds } });

describe('scale-down ranking (ActivePods)', () => {
  it.each([
    ['unscheduled before scheduled', pod('a'), pod('b', { node: 'n' })],
    ['Pending before Running', pod('a', { node: 'n', phase: 'Pending' }), pod('b', { node: 'n', phase: 'Running' })],
    ['Unknown before Running', pod('a', { node: 'n', phase: 'Unknown' }), pod('b', { node: 'n', phase: 'Running' })],
    ['not ready before ready', pod('a', { node: 'n', phase: 'Running', ready: false }), pod('b', { node: 'n', phase: 'Running', ready: true })],
    ['more restarts first', pod('a', { node: 'n', phase: 'Running', ready: true, restarts: 5 }), pod('b', { node: 'n', phase: 'Running', ready: true })],
    ['newer first', pod('a', { node: 'n', phase: 'Running', ready: true, created: '2024-01-01T00:05:00Z' }), pod('b', { node: 'n', phase: 'Running', ready: true })],
  ])('%s', (_n, first, second) => {
    expect(compareForDeletion(first, second)).toBeLessThan(0);
    expect(compareForDeletion(second, first)).toBeGreaterThan(0);
  });
});

describe('planReplicaSet', () => {
  it('creates the missing replicas, not counting terminating or finished pods', () => {
    const p = planReplicaSet(rs(3), [pod('a', { phase: 'Running' }), pod('b', { terminating: true }), pod('c', { phase: 'Failed' })], true, NOW);
    expect(p.create).toBe(2);
    expect(p.status.replicas).toBe(1);
  });

  it('deletes the lowest-ranked pods on scale-down', () => {
    const pods = [pod('ready', { node: 'n', phase: 'Running', ready: true }), pod('unscheduled'), pod('notready', { node: 'n', phase: 'Running', ready: false })];
    expect(planReplicaSet(rs(1), pods, true, NOW).delete.map((x) => x.metadata?.name)).toEqual(['unscheduled', 'notready']);
  });

  it('changes nothing while expectations are pending, but still reports status', () => {
    const p = planReplicaSet(rs(3), [], false, NOW);
    expect(p.create).toBe(0);
    expect(p.delete).toEqual([]);
    expect(p.status.observedGeneration).toBe(2);
  });

  it('counts available only after minReadySeconds and asks to be requeued then', () => {
    const pods = [pod('old', { node: 'n', phase: 'Running', ready: true, readySince: '2024-01-01T00:00:00Z' }), pod('fresh', { node: 'n', phase: 'Running', ready: true, readySince: '2024-01-01T00:09:50Z' })];
    const p = planReplicaSet(rs(2, 30), pods, true, NOW);
    expect(p.status).toMatchObject({ replicas: 2, readyReplicas: 2, availableReplicas: 1 });
    expect(p.requeueAfterMs).toBe(20_000);
  });

  it('slow-start batches double', () => {
    expect(slowStartBatches(10)).toEqual([1, 2, 4, 3]);
    expect(slowStartBatches(0)).toEqual([]);
    expect(slowStartBatches(1300, 1, 500)).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 500, 289]);
    expect(slowStartBatches(7, 1, 2)).toEqual([1, 2, 2, 2]);
  });
});

describe('Expectations', () => {
  it('are pending until every creation and deletion is observed, or expire', () => {
    const clock = new FakeClock();
    const e = new Expectations(1000, clock);
    e.expect('rs', 2, ['default/x']);
    e.creationObserved('rs');
    e.creationObserved('rs');
    expect(e.satisfied('rs')).toBe(false);
    e.deletionObserved('rs', 'default/x');
    expect(e.satisfied('rs')).toBe(true);
    e.expect('rs', 1, []);
    clock.advance(1001);
    expect(e.satisfied('rs')).toBe(true);
  });
});

describe('podChangeMatters', () => {
  const base = pod('a', { node: 'n', phase: 'Running', ready: false });
  const relabeled = Pod.fromPartial({ ...base, metadata: { ...base.metadata, labels: { app: 'other' } } });
  const bound = Pod.fromPartial({ ...pod('a'), spec: { nodeName: 'n2' } });
  it.each([
    ['nothing the controllers read changed (a bind)', pod('a'), bound, false],
    ['same state again', base, pod('a', { node: 'n', phase: 'Running', ready: false }), false],
    ['became ready', base, pod('a', { node: 'n', phase: 'Running', ready: true }), true],
    ['ready since another time', pod('a', { ready: true }), pod('a', { ready: true, readySince: '2024-01-01T00:05:00Z' }), true],
    ['started terminating', base, pod('a', { node: 'n', phase: 'Running', ready: false, terminating: true }), true],
    ['finished', base, pod('a', { node: 'n', phase: 'Failed', ready: false }), true],
    ['restarted', base, pod('a', { node: 'n', phase: 'Running', ready: false, restarts: 1 }), true],
    ['labels changed', base, relabeled, true],
  ])('%s → %s', (_n, a, b, want) => expect(podChangeMatters(a, b)).toBe(want));
});
