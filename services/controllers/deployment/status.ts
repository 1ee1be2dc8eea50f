import type { Condition, Deployment, DeploymentStatus } from '../../../lib/api';
import { getCondition, setCondition } from '../../../lib/controller';

export interface Counts {
  replicas: number;
  updated: number;
  ready: number;
  available: number;
  /** Pods of old ReplicaSets still running. */
  oldPods: number;
}

/**
 * The Deployment's status and conditions (pure). Progressing is refreshed (lastUpdateTime) when
 * the rollout moved; once it has not moved for progressDeadlineSeconds it turns False
 * with reason ProgressDeadlineExceeded.
 */
export function computeStatus(d: Deployment, c: Counts, maxUnavailable: number, progressed: boolean, now: number): DeploymentStatus {
  const nowIso = new Date(now).toISOString();
  const want = d.spec?.replicas ?? 1;
  const prev = d.status;
  let conditions: Condition[] = prev?.conditions ?? [];
  conditions = setCondition(
    conditions,
    c.available >= want - maxUnavailable
      ? { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' }
      : { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' },
    nowIso,
  );
  const name = d.metadata?.name ?? '';
  const complete = c.updated === want && c.available >= want && c.oldPods === 0 && c.replicas === want;
  const progressing = getCondition(conditions, 'Progressing');
  if (d.spec?.paused) {
    conditions = setCondition(conditions, { type: 'Progressing', status: 'Unknown', reason: 'DeploymentPaused', message: 'Deployment is paused' }, nowIso);
  } else if (complete) {
    conditions = setCondition(conditions, { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet of "${name}" has successfully progressed.` }, nowIso);
  } else if (progressed || !progressing || progressing.reason === 'DeploymentPaused' || progressing.reason === 'NewReplicaSetAvailable') {
    conditions = setCondition(conditions, { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: `Deployment "${name}" is progressing.`, lastUpdateTime: nowIso }, nowIso);
  } else if (progressing.status === 'True' && deadlineExceeded(d, progressing, now)) {
    conditions = setCondition(conditions, { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: `Deployment "${name}" has exceeded its progress deadline.` }, nowIso);
  }
  return {
    observedGeneration: d.metadata?.generation ?? 0,
    replicas: c.replicas,
    updatedReplicas: c.updated,
    readyReplicas: c.ready,
    availableReplicas: c.available,
    unavailableReplicas: Math.max(0, want - c.available),
    conditions,
    collisionCount: prev?.collisionCount ?? 0,
  };
}

export function progressDeadlineMs(d: Deployment): number {
  return (d.spec?.progressDeadlineSeconds ?? 600) * 1000;
}

function deadlineExceeded(d: Deployment, progressing: Condition, now: number): boolean {
  const since = Date.parse(progressing.lastUpdateTime || progressing.lastTransitionTime);
  return !Number.isNaN(since) && now - since > progressDeadlineMs(d);
}

/** The rollout moved: more updated/available pods or fewer old ones than last observed. */
export function madeProgress(prev: DeploymentStatus | undefined, c: Counts): boolean {
  if (!prev) return true;
  return c.updated > prev.updatedReplicas || c.available > prev.availableReplicas || c.ready > prev.readyReplicas || c.replicas < prev.replicas;
}

export function statusEqual(a: DeploymentStatus | undefined, b: DeploymentStatus): boolean {
  return !!a && JSON.stringify(a) === JSON.stringify(b);
}
