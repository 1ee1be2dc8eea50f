import type { ControllerPod as Pod } from '../pod-view';
import { getCondition } from '../../../lib/controller';

/** Counts toward replicas: not terminating and not finished. */
export function isActive(p: Pod): boolean {
  return !p.metadata?.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed';
}

export function isReady(p: Pod): boolean {
  return getCondition(p.status?.conditions, 'Ready')?.status === 'True';
}

/** Ready for at least minReadySeconds; else how many ms until it will be (for a timed requeue). */
export function availability(p: Pod, minReadySeconds: number, now: number): { available: boolean; inMs?: number } {
  if (!isActive(p) || !isReady(p)) return { available: false };
  if (minReadySeconds <= 0) return { available: true };
  const since = Date.parse(getCondition(p.status?.conditions, 'Ready')?.lastTransitionTime ?? '');
  if (Number.isNaN(since)) return { available: true };
  const at = since + minReadySeconds * 1000;
  return at <= now ? { available: true } : { available: false, inMs: at - now };
}

const PHASE_RANK: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

/**
 * Kubernetes' ActivePods ordering for scale-down: the pod to delete first sorts first —
 * unscheduled before scheduled, Pending before Unknown before Running, not ready before ready,
 * more restarts before fewer, newer before older.
 */
export function compareForDeletion(a: Pod, b: Pod): number {
  const assigned = (p: Pod): number => (p.spec?.nodeName ? 1 : 0);
  if (assigned(a) !== assigned(b)) return assigned(a) - assigned(b);
  const phase = (p: Pod): number => PHASE_RANK[p.status?.phase ?? 'Pending'] ?? 0;
  if (phase(a) !== phase(b)) return phase(a) - phase(b);
  const ready = (p: Pod): number => (isReady(p) ? 1 : 0);
  if (ready(a) !== ready(b)) return ready(a) - ready(b);
  const restarts = (p: Pod): number => (p.status?.containerStatuses ?? []).reduce((n, c) => n + c.restartCount, 0);
  if (restarts(a) !== restarts(b)) return restarts(b) - restarts(a);
  const created = (p: Pod): number => Date.parse(p.metadata?.creationTimestamp ?? '') || 0;
  return created(b) - created(a);
}

/**
 * Whether a pod update can change what its ReplicaSet or Deployment controller decides or
 * reports: counted or not (deletion, phase), labels, owner, readiness and when it became ready.
 * A bind or a container's start time alone does not; skipping those syncs matters when 30,000
 * pods each change several times.
 */
export function podChangeMatters(old: Pod, cur: Pod): boolean {
  if (isActive(old) !== isActive(cur) || (old.metadata?.deletionTimestamp ?? '') !== (cur.metadata?.deletionTimestamp ?? '')) return true;
  const ready = (p: Pod) => getCondition(p.status?.conditions, 'Ready');
  const a = ready(old);
  const b = ready(cur);
  if (a?.status !== b?.status || a?.lastTransitionTime !== b?.lastTransitionTime) return true;
  const restarts = (p: Pod): string => (p.status?.containerStatuses ?? []).map((c) => `${c.restartCount}/${c.state?.waiting?.reason ?? ''}`).join(',');
  if (restarts(old) !== restarts(cur)) return true;
  const same = (x: Readonly<Record<string, string>> | undefined, y: Readonly<Record<string, string>> | undefined): boolean => {
    const xe = Object.entries(x ?? {});
    return xe.length === Object.keys(y ?? {}).length && xe.every(([k, v]) => y?.[k] === v);
  };
  if (!same(old.metadata?.labels, cur.metadata?.labels)) return true;
  const owner = (p: Pod) => p.metadata?.ownerReferences?.find((r) => r.controller)?.uid;
  return owner(old) !== owner(cur);
}
