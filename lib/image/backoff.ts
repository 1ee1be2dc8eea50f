/** Retry policy: capped exponential backoff with full jitter (AWS architecture blog). */
export interface BackoffPolicy {
  /** Retries after the first attempt. */
  retries: number;
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { retries: 4, baseMs: 200, maxMs: 5000 };

/** Delay before retry number `attempt` (0-based); `random` in [0,1) is a seam for tests. */
export function backoffDelay(policy: BackoffPolicy, attempt: number, random: () => number = Math.random, retryAfterMs?: number): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** attempt);
  const jittered = Math.floor(ceiling / 2 + (random() * ceiling) / 2);
  return retryAfterMs !== undefined ? Math.min(policy.maxMs, Math.max(jittered, retryAfterMs)) : jittered;
}

/** Retry-After as seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}
