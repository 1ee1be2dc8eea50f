import type { Probe } from '../../lib/api';

/**
 * The state machine of one probe of one container instance, pure with the clock passed in.
 * Liveness starts alive and turns dead after failureThreshold failures in a row; readiness
 * starts unready and turns ready after successThreshold successes in a row, unready again
 * after failureThreshold failures. Results count only from initialDelaySeconds after start.
 */
export type ProbeKind = 'readiness' | 'liveness';

export interface ProbeTiming {
  initialDelayMs: number;
  periodMs: number;
  timeoutMs: number;
  successThreshold: number;
  failureThreshold: number;
}

/** Kubernetes' defaults: period 10 s, timeout 1 s, success 1 (always 1 for liveness), failure 3. */
export function probeTiming(p: Probe, kind: ProbeKind): ProbeTiming {
  return {
    initialDelayMs: Math.max(0, p.initialDelaySeconds) * 1000,
    periodMs: (p.periodSeconds > 0 ? p.periodSeconds : 10) * 1000,
    timeoutMs: (p.timeoutSeconds > 0 ? p.timeoutSeconds : 1) * 1000,
    successThreshold: kind === 'liveness' ? 1 : p.successThreshold > 0 ? p.successThreshold : 1,
    failureThreshold: p.failureThreshold > 0 ? p.failureThreshold : 3,
  };
}

export interface ProberState {
  kind: ProbeKind;
  nextAt: number;
  successes: number;
  failures: number;
  /** Liveness: alive; readiness: ready. */
  verdict: boolean;
}

export function initialProberState(kind: ProbeKind, t: ProbeTiming, containerStartedAt: number): ProberState {
  return { kind, nextAt: containerStartedAt + t.initialDelayMs, successes: 0, failures: 0, verdict: kind === 'liveness' };
}

/** The state after one probe result observed at `now`; the next probe is one period later. */
export function recordProbeResult(s: ProberState, t: ProbeTiming, ok: boolean, now: number): ProberState {
  const successes = ok ? s.successes + 1 : 0;
  const failures = ok ? 0 : s.failures + 1;
  let verdict = s.verdict;
  if (ok && successes >= t.successThreshold) verdict = true;
  if (!ok && failures >= t.failureThreshold) verdict = false;
  return { ...s, nextAt: now + t.periodMs, successes, failures, verdict };
}
