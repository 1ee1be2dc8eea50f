import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { PerformanceObserver } from 'node:perf_hooks';

const MB = 1024 * 1024;

/**
 * The semi-space growth factor V8 should use after a GC that left the young generation at
 * `newSpaceBytes` (pure): 1 (no growth) once it has reached the cap, else V8's default 2.
 * V8 only grows the young generation by this factor, so holding it at 1 is a ceiling; a young
 * generation V8 shrank again (low allocation rate) may grow back up to the cap.
 */
export function semiSpaceGrowthFactor(newSpaceBytes: number, capBytes: number): 1 | 2 {
  return newSpaceBytes >= capBytes ? 1 : 2;
}

/**
 * Stops V8 from growing the young generation (call before loading the program's modules, which
 * alone grow it to 16 MB): what it takes later is then decided by `capYoungGeneration`, which
 * every command runs first (0 restores V8's growth).
 */
export function holdYoungGeneration(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
}

/**
 * Caps the young generation (both semi-spaces) at `capMb` from inside a running process.
 * `--max-semi-space-size` is fixed when the isolate is made (only NODE_OPTIONS or the command
 * line set it), but `--semi-space-growth-factor` is read each time V8 grows the young
 * generation: a GC observer sets it to 1 once the cap is reached. V8 grows it in doubling steps
 * from 1 MB, so a power of two is met exactly (the observer runs between turns of the event loop:
 * one synchronous turn that allocates enough to grow twice overshoots by a doubling). Measured at 30,000 pods (bench/RESULTS.md): a
 * fast-allocating controller's young generation otherwise reaches 32 MB within seconds of
 * start-up, whatever its live heap. 0 keeps V8's default. Returns a function that removes the cap.
 */
export function capYoungGeneration(capMb: number): () => void {
  if (capMb <= 0) {
    setFlagsFromString('--semi-space-growth-factor=2');
    return () => undefined;
  }
  const cap = capMb * MB;
  let factor = 2;
  const check = (): void => {
    const f = semiSpaceGrowthFactor(newSpaceSize(), cap);
    if (f === factor) return;
    factor = f;
    setFlagsFromString(`--semi-space-growth-factor=${f}`);
  };
  const obs = new PerformanceObserver(check);
  obs.observe({ entryTypes: ['gc'] });
  check();
  return () => {
    obs.disconnect();
    setFlagsFromString('--semi-space-growth-factor=2');
  };
}

function newSpaceSize(): number {
  return getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;
}

export const YOUNG_GENERATION_FLAG = '--young-generation-mb <n>';
export const YOUNG_GENERATION_HELP = 'ceiling of the young generation (both semi-spaces), MB, a power of two (0: V8 default, up to 32)';
/**
 * The scheduler's and controller-manager's default (bench/RESULTS.md, session 5): at 30,000 pods 8 MB
 * saved another 10 MB of RSS each but cost them 5-15 % more CPU (more survivors promoted).
 */
export const CONTROLLER_YOUNG_GENERATION_MB = 16;
