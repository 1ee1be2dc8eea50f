import { Deployment } from '../../lib/api/types';
import { deploymentRolloutState } from './rollout-status';

const d = (generation: number, observed: number, replicas: number | undefined, st: { replicas?: number; updated?: number; available?: number; reason?: string }) =>
  Deployment.fromPartial({
    metadata: { name: 'web', generation },
    spec: { replicas },
    status: {
      observedGeneration: observed,
      replicas: st.replicas ?? 0,
      updatedReplicas: st.updated ?? 0,
      availableReplicas: st.available ?? 0,
      conditions: st.reason ? [{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' }, { type: 'Progressing', status: 'False', reason: st.reason }] : [],
    },
  });

describe('deploymentRolloutState', () => {
  test.each([
    ['spec change not yet observed', d(3, 2, 5, { replicas: 5, updated: 5, available: 5 }), 'waiting', 'Waiting for deployment spec update to be observed...'],
    ['deadline exceeded wins over counts', d(2, 2, 5, { replicas: 6, updated: 1, reason: 'ProgressDeadlineExceeded' }), 'failed', 'deployment "web" exceeded its progress deadline'],
    ['other Progressing reasons keep waiting', d(2, 2, 5, { replicas: 6, updated: 1, reason: 'ReplicaSetUpdated' }), 'waiting', 'Waiting for deployment "web" rollout to finish: 1 out of 5 new replicas have been updated...'],
    ['old replicas left', d(2, 2, 5, { replicas: 6, updated: 5, available: 5 }), 'waiting', 'Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...'],
    ['updated but not available', d(2, 2, 5, { replicas: 5, updated: 5, available: 2 }), 'waiting', 'Waiting for deployment "web" rollout to finish: 2 of 5 updated replicas are available...'],
    ['all available', d(2, 2, 5, { replicas: 5, updated: 5, available: 5 }), 'done', 'deployment "web" successfully rolled out'],
    ['replicas absent means 1', d(1, 1, undefined, { replicas: 0, updated: 0 }), 'waiting', 'Waiting for deployment "web" rollout to finish: 0 out of 1 new replicas have been updated...'],
    ['scaled to zero is done', d(1, 1, 0, {}), 'done', 'deployment "web" successfully rolled out'],
  ])('%s', (_n, dep, kind, message) => {
    expect(deploymentRolloutState(dep)).toEqual({ kind, message });
  });
});
