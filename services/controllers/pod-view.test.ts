import { Pod } from '../../lib/api';
import { StringInterner } from '../../lib/controller';
import { isCrashLooping } from './deployment/crash-loop';
import { controllerPodView } from './pod-view';
import { availability, compareForDeletion, isActive, isReady } from './replicaset/pod-state';

const full = (o: { ready?: boolean; restarts?: number; waiting?: string; deleting?: boolean } = {}): Pod =>
  Pod.fromPartial({
    metadata: {
      name: 'web-1',
      namespace: 'default',
      uid: 'u1',
      creationTimestamp: '2024-01-01T00:00:00Z',
      deletionTimestamp: o.deleting ? '2024-01-01T00:05:00Z' : '',
      labels: { app: 'web' },
      annotations: { big: 'x'.repeat(1000) },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: 'rs1', controller: true }],
    },
    spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'app:1', command: ['sh'] }] },
    status: {
      phase: 'Running',
      conditions: [
        { type: 'PodScheduled', status: 'True' },
        { type: 'Ready', status: o.ready === false ? 'False' : 'True', lastTransitionTime: '2024-01-01T00:01:00Z' },
      ],
      containerStatuses: [{ name: 'c', restartCount: o.restarts ?? 0, image: 'app:1', state: o.waiting ? { waiting: { reason: o.waiting } } : { running: { startedAt: 'x' } } }],
    },
  });

describe('controllerPodView', () => {
  const s = new StringInterner();
  it.each([
    ['ready pod', full()],
    ['not ready', full({ ready: false })],
    ['crash-looping', full({ restarts: 4, waiting: 'CrashLoopBackOff' })],
    ['terminating', full({ deleting: true })],
  ])('every controller decision reads the same from the view (%s)', (_n, p) => {
    const v = controllerPodView(p, s);
    expect([isActive(v), isReady(v), isCrashLooping(v), availability(v, 30, Date.parse('2024-01-01T00:02:00Z'))]).toEqual([isActive(p), isReady(p), isCrashLooping(p), availability(p, 30, Date.parse('2024-01-01T00:02:00Z'))]);
    expect(compareForDeletion(v, full({ ready: false }))).toBe(compareForDeletion(p, full({ ready: false })));
  });

  it('keeps identity, owners and node but drops container specs and annotations', () => {
    const v = controllerPodView(full(), s);
    expect(v.metadata).toMatchObject({ name: 'web-1', namespace: 'default', uid: 'u1', labels: { app: 'web' } });
    expect(v.metadata).not.toHaveProperty('annotations');
    expect(v.metadata?.ownerReferences[0]).toMatchObject({ kind: 'ReplicaSet', uid: 'rs1', controller: true });
    expect(v.spec).toEqual({ nodeName: 'n1' });
    expect(v.status?.conditions.map((c) => c.type)).toEqual(['Ready']);
  });

  it('pods of one ReplicaSet share one frozen copy of their labels and owner references', () => {
    const a = controllerPodView(full(), s);
    const b = controllerPodView(full({ ready: false }), s);
    expect(a.metadata?.labels).toBe(b.metadata?.labels);
    expect(a.metadata?.ownerReferences).toBe(b.metadata?.ownerReferences);
    expect(Object.isFrozen(a.metadata?.labels)).toBe(true);
  });

  it('pods on one node with the same status share one frozen spec and status; a changed status gets its own', () => {
    const a = controllerPodView(full(), s);
    const b = controllerPodView(full(), s);
    expect(a.spec).toBe(b.spec);
    expect(a.status).toBe(b.status);
    expect(Object.isFrozen(a.status?.conditions[0])).toBe(true);
    const c = controllerPodView(full({ restarts: 4, waiting: 'CrashLoopBackOff' }), s);
    expect(c.status).not.toBe(a.status);
    expect(c.status?.containerStatuses).toEqual([{ name: 'c', restartCount: 4, ready: false, state: { waiting: { reason: 'CrashLoopBackOff' } } }]);
  });

  it('takes its identity from the view it replaces only when that is the same pod (same uid)', () => {
    const prev = controllerPodView(full(), s);
    const next = full();
    next.metadata!.uid = ['u', '1'].join('');
    expect(controllerPodView(next, s, prev).metadata?.uid).toBe(prev.metadata?.uid);
    const other = full();
    other.metadata!.uid = 'u2';
    expect(controllerPodView(other, s, prev).metadata?.uid).toBe('u2');
  });
});
