// Which pods `berth drain` deletes, which it refuses to touch, and which are already going,
// as kubectl drain decides. Pure.
import type { Pod } from '../../lib/api/types';

export interface DrainOptions {
  /** Delete pods no controller will recreate. */
  force: boolean;
  /** Delete pods with emptyDir volumes (their data is lost). */
  deleteEmptyDirData: boolean;
}

export interface DrainPlan {
  delete: Pod[];
  /** Already terminating: only waited for. */
  terminating: Pod[];
  /** Pods the drain will not delete without a flag, with the reason. */
  blocked: { pod: Pod; reason: string }[];
}

export function drainPlan(pods: readonly Pod[], opts: DrainOptions): DrainPlan {
  const plan: DrainPlan = { delete: [], terminating: [], blocked: [] };
  for (const pod of pods) {
    if (pod.metadata?.deletionTimestamp) {
      plan.terminating.push(pod);
      continue;
    }
    const managed = pod.metadata?.ownerReferences.some((o) => o.controller);
    if (!managed && !opts.force) {
      plan.blocked.push({ pod, reason: 'cannot delete Pods not managed by a controller (use --force to override)' });
      continue;
    }
    if (pod.spec?.volumes.some((v) => v.emptyDir) && !opts.deleteEmptyDirData) {
      plan.blocked.push({ pod, reason: 'cannot delete Pods with local storage (use --delete-emptydir-data to override)' });
      continue;
    }
    plan.delete.push(pod);
  }
  return plan;
}
