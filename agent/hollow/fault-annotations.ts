import type { Pod } from '../../lib/api';

// Fault injection for hollow nodes, set on a Deployment's pod template and copied to its pods.
export const CRASH_AFTER_ANNOTATION = 'berth.dev/simulate-crash-after';
export const NEVER_READY_ANNOTATION = 'berth.dev/simulate-never-ready';
export const PULL_ERROR_ANNOTATION = 'berth.dev/simulate-image-pull-error';

export interface SimulatedFaults {
  /** Every container exits with code 1 this long after it starts. */
  crashAfterMs?: number;
  neverReady: boolean;
  /** Pulls fail with this registry message. */
  pullError?: string;
}

/** "5s", "500ms", "2m", "1h" or a bare number of seconds; undefined if unreadable. */
export function parseDuration(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  if (!m) return undefined;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  return Math.round(Number(m[1]) * unit);
}

export function simulatedFaults(pod: Pod): SimulatedFaults {
  const a = pod.metadata?.annotations ?? {};
  const crash = a[CRASH_AFTER_ANNOTATION];
  return {
    crashAfterMs: crash ? parseDuration(crash) : undefined,
    neverReady: a[NEVER_READY_ANNOTATION] === 'true',
    pullError: a[PULL_ERROR_ANNOTATION] || undefined,
  };
}
