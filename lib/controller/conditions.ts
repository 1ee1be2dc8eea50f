import type { Condition } from '../api';

/**
 * Merges one condition into a list by type (DESIGN.md: conditions merge by type, never replace
 * the list). lastTransitionTime changes only when the status changes. Returns a new list, or
 * the same list when nothing would change (callers skip the write).
 */
export function setCondition(list: readonly Condition[], cond: Omit<Condition, 'lastTransitionTime' | 'lastUpdateTime' | 'lastHeartbeatTime'> & Partial<Condition>, nowIso: string): Condition[] {
  const i = list.findIndex((c) => c.type === cond.type);
  const prev = i >= 0 ? list[i] : undefined;
  if (prev && prev.status === cond.status && prev.reason === cond.reason && prev.message === cond.message && cond.lastUpdateTime === undefined) return list as Condition[];
  const next: Condition = {
    lastHeartbeatTime: prev?.lastHeartbeatTime ?? '',
    ...cond,
    lastTransitionTime: prev && prev.status === cond.status ? prev.lastTransitionTime : nowIso,
    lastUpdateTime: cond.lastUpdateTime ?? nowIso,
  };
  const out = [...list];
  if (i >= 0) out[i] = next;
  else out.push(next);
  return out;
}

export function getCondition<C extends Pick<Condition, 'type'> = Condition>(list: readonly C[] | undefined, type: string): C | undefined {
  return list?.find((c) => c.type === type);
}
