import { Deployment, Pod } from '../../../lib/api';
import { getCondition } from '../../../lib/controller';
import { isCrashLooping } from './crash-loop';
import { computeStatus, madeProgress } from './status';

const T0 = Date.parse('2024-01-01T00:00:00Z');
const d = (o: { paused?: boolean; progressing?: { status: string; reason: string; lastUpdateTime: string } } = {}) =>
  Deployment.fromPartial({
    metadata: { name: 'web', generation: 3 },
    spec: { replicas: 4, paused: o.paused ?? false, progressDeadlineSeconds: 60 },
    status: { conditions: o.progressing ? [{ type: 'Progressing', ...o.progressing, lastTransitionTime: o.progressing.lastUpdateTime }] : [] },
  });
const counts = { replicas: 5, updated: 2, ready: 3, available: 3, oldPods: 3 };

describe('computeStatus', () => {
  it('complete rollout: NewReplicaSetAvailable and Available', () => {
    const s = computeStatus(d(), { replicas: 4, updated: 4, ready: 4, available: 4, oldPods: 0 }, 1, false, T0);
    expect(getCondition(s.conditions, 'Progressing')?.reason).toBe('NewReplicaSetAvailable');
    expect(getCondition(s.conditions, 'Available')?.status).toBe('True');
    expect(s).toMatchObject({ observedGeneration: 3, unavailableReplicas: 0 });
  });

  it('stalled past the deadline: ProgressDeadlineExceeded', () => {
    const s = computeStatus(d({ progressing: { status: 'True', reason: 'ReplicaSetUpdated', lastUpdateTime: '2024-01-01T00:00:00.000Z' } }), counts, 1, false, T0 + 61_000);
    expect(getCondition(s.conditions, 'Progressing')).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded' });
  });

  it('stalled within the deadline, or progressing: stays ReplicaSetUpdated', () => {
    const dep = d({ progressing: { status: 'True', reason: 'ReplicaSetUpdated', lastUpdateTime: '2024-01-01T00:00:00.000Z' } });
    expect(getCondition(computeStatus(dep, counts, 1, false, T0 + 59_000).conditions, 'Progressing')?.status).toBe('True');
    expect(getCondition(computeStatus(dep, counts, 1, true, T0 + 61_000).conditions, 'Progressing')?.reason).toBe('ReplicaSetUpdated');
  });

  it('too few available: Available=False; paused: Progressing Unknown', () => {
    const s = computeStatus(d({ paused: true }), { ...counts, available: 2 }, 1, false, T0);
    expect(getCondition(s.conditions, 'Available')?.status).toBe('False');
    expect(getCondition(s.conditions, 'Progressing')).toMatchObject({ status: 'Unknown', reason: 'DeploymentPaused' });
  });

  it('madeProgress sees more updated/available pods or fewer pods', () => {
    const prev = { observedGeneration: 1, replicas: 5, updatedReplicas: 2, readyReplicas: 3, availableReplicas: 3, unavailableReplicas: 1, conditions: [], collisionCount: 0 };
    expect(madeProgress(prev, counts)).toBe(false);
    expect(madeProgress(prev, { ...counts, available: 4 })).toBe(true);
    expect(madeProgress(prev, { ...counts, replicas: 4 })).toBe(true);
  });

  it.each([
    [3, '', true],
    [2, 'CrashLoopBackOff', true],
    [2, '', false],
  ])('crash loop: %i restarts, waiting %s → %s', (restarts, reason, want) => {
    const p = Pod.fromPartial({ status: { containerStatuses: [{ name: 'c', restartCount: restarts, state: reason ? { waiting: { reason } } : {} }] } });
    expect(isCrashLooping(p)).toBe(want);
  });
});
