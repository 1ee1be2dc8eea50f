// kubectl's `rollout status` messages for a Deployment (DeploymentStatusViewer). Pure.
import type { Deployment } from '../../lib/api/types';

export type RolloutState =
  | { kind: 'waiting'; message: string }
  | { kind: 'done'; message: string }
  /** The rollout will not finish by itself: the command fails with `message`. */
  | { kind: 'failed'; message: string };

export const PROGRESS_DEADLINE_EXCEEDED = 'ProgressDeadlineExceeded';

/** Where a Deployment's rollout stands, with the line kubectl prints for it. */
export function deploymentRolloutState(d: Deployment): RolloutState {
  const name = d.metadata?.name ?? '';
  const status = d.status;
  if ((d.metadata?.generation ?? 0) > (status?.observedGeneration ?? 0)) {
    return { kind: 'waiting', message: 'Waiting for deployment spec update to be observed...' };
  }
  const progressing = status?.conditions.find((c) => c.type === 'Progressing');
  if (progressing?.reason === PROGRESS_DEADLINE_EXCEEDED) return { kind: 'failed', message: `deployment "${name}" exceeded its progress deadline` };
  const wanted = d.spec?.replicas ?? 1;
  const updated = status?.updatedReplicas ?? 0;
  const total = status?.replicas ?? 0;
  const available = status?.availableReplicas ?? 0;
  const waiting = (what: string): RolloutState => ({ kind: 'waiting', message: `Waiting for deployment "${name}" rollout to finish: ${what}...` });
  if (updated < wanted) return waiting(`${updated} out of ${wanted} new replicas have been updated`);
  if (total > updated) return waiting(`${total - updated} old replicas are pending termination`);
  if (available < updated) return waiting(`${available} of ${updated} updated replicas are available`);
  return { kind: 'done', message: `deployment "${name}" successfully rolled out` };
}
