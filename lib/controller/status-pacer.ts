import { realClock, type Clock } from './clock';

/** Milliseconds to wait before the next status write of a key last written at `lastAt` (0: write now). */
export function paceDelay(lastAt: number | undefined, now: number, intervalMs: number): number {
  if (lastAt === undefined) return 0;
  return Math.max(0, lastAt + intervalMs - now);
}

/**
 * Paces status-only writes per key: at most one per interval, so a burst of pod events that
 * each move a count (ready 1, 2, 3, …) costs one write per interval instead of one per event.
 * The first change of a quiet key goes out at once; a later one waits, and the caller requeues
 * the key for when it may write, so the last value always lands.
 *
 * Lifecycle: the sync asks `delay(key)`; 0 → write, then `wrote(key)`; > 0 → requeue after it.
 * `forget(key)` when the object is gone.
 */
export class StatusPacer {
  private readonly lastAt = new Map<string, number>();

  constructor(
    readonly intervalMs = 1000,
    private readonly clock: Clock = realClock,
  ) {}

  delay(key: string): number {
    return paceDelay(this.lastAt.get(key), this.clock.now(), this.intervalMs);
  }

  wrote(key: string): void {
    this.lastAt.set(key, this.clock.now());
  }

  forget(key: string): void {
    this.lastAt.delete(key);
  }
}
