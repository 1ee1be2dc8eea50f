/**
 * The rolling-update step (Kubernetes' rolloutRolling), pure: the observed counts of the new and
 * old ReplicaSets in, the replica changes of one step out. Callers apply the scales and wait for
 * the next observation; repeated steps converge while keeping
 *   pods (non-terminating) ≤ replicas + maxSurge and available ≥ replicas − maxUnavailable.
 */

export interface RsState {
  name: string;
  /** spec.replicas */
  replicas: number;
  /** Pods that exist and are not terminating (≥ replicas while pods are being created). */
  pods: number;
  available: number;
}

export interface RollingState {
  replicas: number;
  maxSurge: number;
  maxUnavailable: number;
  newRs: RsState;
  /** Oldest first. */
  oldRss: RsState[];
}

export interface Scale {
  name: string;
  replicas: number;
}

/** The larger of spec and observed pods: a pod counts until we have seen it gone. */
const count = (rs: RsState): number => Math.max(rs.replicas, rs.pods);

/**
 * The available pods an RS keeps once its controller has caught up with spec.replicas: pods
 * above spec are about to go (deletions not yet observed), so they cannot be counted on.
 */
const keptAvailable = (rs: RsState): number => Math.min(rs.available, rs.replicas);

export function rollingStep(s: RollingState): Scale[] {
  const up = scaleUpNew(s);
  if (up) return [up];
  return scaleDownOld(s);
}

function scaleUpNew(s: RollingState): Scale | undefined {
  const { newRs, replicas } = s;
  if (newRs.replicas === replicas) return undefined;
  if (newRs.replicas > replicas) return { name: newRs.name, replicas };
  const total = [newRs, ...s.oldRss].reduce((n, rs) => n + count(rs), 0);
  const room = replicas + s.maxSurge - total;
  if (room <= 0) return undefined;
  return { name: newRs.name, replicas: newRs.replicas + Math.min(room, replicas - newRs.replicas) };
}

function scaleDownOld(s: RollingState): Scale[] {
  const olds = s.oldRss.filter((rs) => rs.replicas > 0);
  if (!olds.length) return [];
  const minAvailable = s.replicas - s.maxUnavailable;
  const all = [s.newRs, ...s.oldRss];
  const allPods = all.reduce((n, rs) => n + count(rs), 0);
  const newUnavailable = Math.max(0, count(s.newRs) - s.newRs.available);
  let budget = allPods - minAvailable - newUnavailable;
  if (budget <= 0) return [];
  const target = new Map(olds.map((rs) => [rs.name, rs.replicas]));

  // First drop old pods that are not available anyway: that costs no availability.
  for (const rs of olds) {
    if (budget <= 0) break;
    const unhealthy = Math.max(0, rs.replicas - keptAvailable(rs));
    const n = Math.min(unhealthy, budget);
    if (n > 0) {
      target.set(rs.name, rs.replicas - n);
      budget -= n;
    }
  }
  // Then available ones, only as far as availability allows.
  const available = all.reduce((n, rs) => n + keptAvailable(rs), 0);
  let spare = available - minAvailable;
  for (const rs of olds) {
    if (spare <= 0) break;
    const cur = target.get(rs.name) ?? 0;
    const n = Math.min(cur, spare);
    if (n > 0) {
      target.set(rs.name, cur - n);
      spare -= n;
    }
  }
  return olds.filter((rs) => target.get(rs.name) !== rs.replicas).map((rs) => ({ name: rs.name, replicas: target.get(rs.name) ?? 0 }));
}

/** Scale all old ReplicaSets to zero first; the new one only once no old pod is left (Recreate). */
export function recreateStep(s: Pick<RollingState, 'replicas' | 'newRs' | 'oldRss'>): Scale[] {
  const olds = s.oldRss.filter((rs) => rs.replicas > 0);
  if (olds.length) return olds.map((rs) => ({ name: rs.name, replicas: 0 }));
  if (s.oldRss.some((rs) => rs.pods > 0)) return [];
  return s.newRs.replicas === s.replicas ? [] : [{ name: s.newRs.name, replicas: s.replicas }];
}

/** "25%" of 10 → 2.5: surge rounds up, unavailable rounds down, and both zero means unavailable 1 (Kubernetes). */
export function resolveSurgeUnavailable(replicas: number, maxSurge: string | undefined, maxUnavailable: string | undefined): { maxSurge: number; maxUnavailable: number } {
  const surge = intOrPercent(maxSurge ?? '25%', replicas, Math.ceil);
  let unavailable = intOrPercent(maxUnavailable ?? '25%', replicas, Math.floor);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { maxSurge: surge, maxUnavailable: Math.min(unavailable, replicas) };
}

function intOrPercent(v: string, total: number, round: (x: number) => number): number {
  const t = v.trim();
  if (t === '') return round((25 * total) / 100);
  if (t.endsWith('%')) return round((Number(t.slice(0, -1)) * total) / 100);
  const n = Number(t);
  return Number.isFinite(n) ? Math.max(0, Math.trunc(n)) : 0;
}
