import type { ReplicaSet, ReplicaSetStatus } from '../../../lib/api';
import type { ControllerPod as Pod } from '../pod-view';
import { availability, compareForDeletion, isActive, isReady } from './pod-state';

export interface ReplicaSetPlan {
  create: number;
  delete: Pod[];
  status: ReplicaSetStatus;
  /** Requeue after this many ms (a pod becomes available once minReadySeconds pass). */
  requeueAfterMs?: number;
}

/**
 * Compute step of the ReplicaSet controller. `pods` are the pods it controls; while creations or
 * deletions are still expected (not yet seen in the cache), it changes nothing, so a slow watch
 * never makes it create twice.
 */
export function planReplicaSet(rs: ReplicaSet, pods: readonly Pod[], expectationsSatisfied: boolean, now: number): ReplicaSetPlan {
  const active = pods.filter(isActive);
  const want = rs.metadata?.deletionTimestamp ? 0 : (rs.spec?.replicas ?? 1);
  let create = 0;
  let del: Pod[] = [];
  if (expectationsSatisfied) {
    if (active.length < want) create = want - active.length;
    else if (active.length > want) del = [...active].sort(compareForDeletion).slice(0, active.length - want);
  }
  const minReady = rs.spec?.minReadySeconds ?? 0;
  let available = 0;
  let requeueAfterMs: number | undefined;
  for (const p of active) {
    const a = availability(p, minReady, now);
    if (a.available) available++;
    else if (a.inMs !== undefined) requeueAfterMs = Math.min(requeueAfterMs ?? Infinity, a.inMs);
  }
  const labels = Object.entries(rs.spec?.template?.metadata?.labels ?? {});
  return {
    create,
    delete: del,
    requeueAfterMs,
    status: {
      replicas: active.length,
      fullyLabeledReplicas: active.filter((p) => labels.every(([k, v]) => p.metadata?.labels?.[k] === v)).length,
      readyReplicas: active.filter(isReady).length,
      availableReplicas: available,
      observedGeneration: rs.metadata?.generation ?? 0,
      conditions: rs.status?.conditions ?? [],
    },
  };
}

/**
 * Creations go out in doubling batches (1, 2, 4, ...) so a failing template costs one error, not N
 * (Kubernetes' slowStartBatch); no batch exceeds `max` (one CreateMany call takes at most 500).
 */
export function slowStartBatches(n: number, initial = 1, max = 500): number[] {
  const out: number[] = [];
  for (let size = initial, left = n; left > 0; size = Math.min(size * 2, max)) {
    const b = Math.min(size, left, max);
    out.push(b);
    left -= b;
  }
  return out;
}
