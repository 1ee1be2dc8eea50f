import { setFlagsFromString } from 'node:v8';

/**
 * Caps how far V8 lets the old generation grow past the live heap before the next full GC:
 * the limit becomes live × (1 + percent/100) instead of V8's own factor, which reaches 4 for a
 * fast-allocating process on a large machine. Measured on the scheduler and controller-manager
 * at 30,000 pods (bench/RESULTS.md): a live heap of 50–90 MB grew to 150–290 MB of heap between
 * full GCs. This is not a limit on the heap (no out-of-memory risk); it trades more frequent
 * full GCs for memory. 0 keeps V8's default. The flag is read at each GC, so setting it at
 * start-up takes effect.
 */
export function setHeapGrowingPercent(percent: number): void {
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${Math.round(percent)}`);
}

/** The option every control-plane command takes; each passes its own default. */
export const HEAP_GROWING_FLAG = '--heap-growing-percent <n>';
export const HEAP_GROWING_HELP = 'old-generation growth past the live heap before a full GC (0: V8 default)';
/** The scheduler's and controller-manager's default: keeps peak RSS near the live heap (bench/RESULTS.md, session 3). */
export const CONTROLLER_HEAP_GROWING_PERCENT = 25;
