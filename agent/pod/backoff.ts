/**
 * Restart and image-pull back-off, as the kubelet does it: the first retry is immediate,
 * then each further failure waits `initialMs`, doubling up to `maxMs`; a container that ran
 * at least `resetAfterMs` before it exited starts over.
 */
export interface BackoffConfig {
  initialMs: number;
  maxMs: number;
  resetAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffConfig = { initialMs: 10_000, maxMs: 300_000, resetAfterMs: 600_000 };

export interface BackoffGate {
  /** Epoch ms before which no new attempt may be made (<= now: go now). */
  notBefore: number;
  /** The delay to remember once this attempt is made; it applies to the failure after it. */
  nextDelayMs: number;
}

/**
 * Decides when the attempt after a failure at `failedAt` may run, given the delay remembered
 * for this container (`delayMs`, undefined before the first retry) and how long the failed
 * instance ran (0 for a failed pull).
 */
export function backoffGate(delayMs: number | undefined, failedAt: number, ranForMs: number, cfg: BackoffConfig): BackoffGate {
  const remembered = delayMs !== undefined && ranForMs < cfg.resetAfterMs ? delayMs : undefined;
  if (remembered === undefined) return { notBefore: failedAt, nextDelayMs: cfg.initialMs };
  return { notBefore: failedAt + remembered, nextDelayMs: Math.min(remembered * 2, cfg.maxMs) };
}
