import { recreateStep, resolveSurgeUnavailable, rollingStep, type RollingState, type RsState } from './rolling';

describe('resolveSurgeUnavailable', () => {
  it.each([
    [10, '25%', '25%', 3, 2],
    [4, '25%', '25%', 1, 1],
    [3, '0', '0', 0, 1],
    [10, '0%', '10%', 0, 1],
    [5, '2', '1', 2, 1],
    [1, '50%', '50%', 1, 0],
    [3, undefined, undefined, 1, 0],
  ])('replicas %i surge %s unavailable %s → %i/%i', (replicas, s, u, ws, wu) => {
    expect(resolveSurgeUnavailable(replicas, s, u)).toEqual({ maxSurge: ws, maxUnavailable: wu });
  });
});

/**
 * Simulates a rollout: apply a step, then the RS controllers (pods follow spec, deletions take
 * unavailable pods first), then readiness (new pods become available). Checks the invariants
 * in every state the cluster passes through.
 */
function simulate(initial: RollingState, readyPerTick: number, stepsPerTick = 1): { steps: number; final: RollingState } {
  const s = structuredClone(initial);
  const check = (when: string): void => {
    const pods = [s.newRs, ...s.oldRss].reduce((n, r) => n + r.pods, 0);
    const avail = [s.newRs, ...s.oldRss].reduce((n, r) => n + r.available, 0);
    if (pods > s.replicas + s.maxSurge) throw new Error(`${when}: ${pods} pods > ${s.replicas}+${s.maxSurge}`);
    if (avail < s.replicas - s.maxUnavailable) throw new Error(`${when}: ${avail} available < ${s.replicas}-${s.maxUnavailable}`);
  };
  check('start');
  for (let step = 0; step < 200; step++) {
    const byName = new Map<string, RsState>([s.newRs, ...s.oldRss].map((r) => [r.name, r]));
    // stepsPerTick > 1: the Deployment controller steps again before the RS controllers have acted
    // (a slow watch), seeing the new spec.replicas but the old pods.
    let actions: ReturnType<typeof rollingStep> = [];
    for (let i = 0; i < stepsPerTick; i++) {
      const more = rollingStep(s);
      for (const a of more) byName.get(a.name)!.replicas = a.replicas;
      actions = [...actions, ...more];
    }
    // RS controllers: deletions first (unavailable pods first), then creations.
    for (const rs of byName.values()) {
      if (rs.pods > rs.replicas) {
        const drop = rs.pods - rs.replicas;
        const unavailable = rs.pods - rs.available;
        rs.available -= Math.max(0, drop - unavailable);
        rs.pods = rs.replicas;
      }
    }
    check(`after deletions of step ${step}`);
    for (const rs of byName.values()) if (rs.pods < rs.replicas) rs.pods = rs.replicas;
    check(`after creations of step ${step}`);
    let ready = readyPerTick;
    for (const rs of byName.values()) {
      const n = Math.min(ready, rs.pods - rs.available);
      rs.available += n;
      ready -= n;
    }
    check(`after readiness of step ${step}`);
    const done = s.newRs.replicas === s.replicas && s.newRs.available === s.replicas && s.oldRss.every((r) => r.pods === 0);
    if (done && actions.length === 0) return { steps: step, final: s };
  }
  throw new Error('rollout did not converge');
}

const rs = (name: string, n: number, available = n): RsState => ({ name, replicas: n, pods: n, available });

describe('rollingStep', () => {
  const cases: [string, number, string, string, RsState[], number][] = [
    ['10 replicas 25%/25%', 10, '25%', '25%', [rs('old', 10)], 10],
    ['surge only (maxUnavailable 0)', 5, '1', '0', [rs('old', 5)], 1],
    ['unavailable only (maxSurge 0)', 5, '0', '2', [rs('old', 5)], 1],
    ['single replica', 1, '25%', '25%', [rs('old', 1)], 1],
    ['two old revisions mid-rollout', 6, '2', '1', [rs('older', 2), rs('old', 4)], 2],
    ['old partly unavailable', 4, '1', '1', [rs('old', 4, 3)], 1],
    ['100% surge', 3, '100%', '0', [rs('old', 3)], 3],
  ];
  const withStaleness = cases.flatMap(([name, ...rest]) => [1, 3].map((k) => [`${name}, ${k} step(s) per observation`, ...rest, k] as [string, number, string, string, RsState[], number, number]));
  it.each(withStaleness)('%s converges without breaking the bounds', (_n, replicas, surge, unavail, olds, readyPerTick, stepsPerTick) => {
    const bounds = resolveSurgeUnavailable(replicas, surge, unavail);
    const { final } = simulate({ replicas, ...bounds, newRs: rs('new', 0), oldRss: olds }, readyPerTick, stepsPerTick);
    expect(final.newRs).toEqual({ name: 'new', replicas, pods: replicas, available: replicas });
    expect(final.oldRss.every((r) => r.replicas === 0)).toBe(true);
  });

  it.each([
    ['scales the new RS up by the surge first', { replicas: 10, maxSurge: 3, maxUnavailable: 2, newRs: rs('new', 0), oldRss: [rs('old', 10)] }, [{ name: 'new', replicas: 3 }]],
    ['at the surge limit, scales old down by what availability allows', { replicas: 10, maxSurge: 3, maxUnavailable: 2, newRs: rs('new', 3, 0), oldRss: [rs('old', 10)] }, [{ name: 'old', replicas: 8 }]],
    ['counts observed pods above spec (deletions not yet seen) against the surge, not as available', { replicas: 4, maxSurge: 1, maxUnavailable: 0, newRs: rs('new', 1), oldRss: [{ name: 'old', replicas: 3, pods: 4, available: 4 }] }, []],
    ['does not count an old pod whose deletion is pending as available', { replicas: 8, maxSurge: 2, maxUnavailable: 1, newRs: rs('new', 2, 0), oldRss: [{ name: 'old', replicas: 7, pods: 8, available: 8 }] }, []],
    ['removes unavailable old pods first, within the budget', { replicas: 4, maxSurge: 0, maxUnavailable: 1, newRs: rs('new', 0), oldRss: [rs('old', 4, 2)] }, [{ name: 'old', replicas: 3 }]],
    ['scales a too large new RS down to replicas', { replicas: 2, maxSurge: 1, maxUnavailable: 0, newRs: rs('new', 5), oldRss: [] }, [{ name: 'new', replicas: 2 }]],
    ['does nothing when complete', { replicas: 2, maxSurge: 1, maxUnavailable: 0, newRs: rs('new', 2), oldRss: [rs('old', 0)] }, []],
  ] as [string, RollingState, unknown][])('%s', (_n, state, want) => {
    expect(rollingStep(state)).toEqual(want);
  });
});

describe('recreateStep', () => {
  it('scales old to zero, waits for their pods, then scales the new RS', () => {
    expect(recreateStep({ replicas: 3, newRs: rs('new', 0), oldRss: [rs('old', 3)] })).toEqual([{ name: 'old', replicas: 0 }]);
    expect(recreateStep({ replicas: 3, newRs: rs('new', 0), oldRss: [{ name: 'old', replicas: 0, pods: 2, available: 0 }] })).toEqual([]);
    expect(recreateStep({ replicas: 3, newRs: rs('new', 0), oldRss: [rs('old', 0)] })).toEqual([{ name: 'new', replicas: 3 }]);
  });
});
