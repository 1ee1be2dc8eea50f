import { DEFAULT_BACKOFF, backoffGate } from './backoff';

describe('backoffGate', () => {
  const cfg = DEFAULT_BACKOFF;
  const failedAt = 5_000;
  const cases: { name: string; delayMs?: number; ranForMs: number; wait: number; next: number }[] = [
    { name: 'first retry is immediate and arms the initial delay', ranForMs: 1000, wait: 0, next: 10_000 },
    { name: 'second retry waits the initial delay, then doubles', delayMs: 10_000, ranForMs: 1000, wait: 10_000, next: 20_000 },
    { name: 'doubling stops at the cap', delayMs: 160_000, ranForMs: 1000, wait: 160_000, next: 300_000 },
    { name: 'capped stays capped', delayMs: 300_000, ranForMs: 0, wait: 300_000, next: 300_000 },
    { name: 'ten minutes running resets', delayMs: 300_000, ranForMs: 600_000, wait: 0, next: 10_000 },
    { name: 'just under ten minutes does not reset', delayMs: 40_000, ranForMs: 599_999, wait: 40_000, next: 80_000 },
  ];
  it.each(cases)('$name', ({ delayMs, ranForMs, wait, next }) => {
    expect(backoffGate(delayMs, failedAt, ranForMs, cfg)).toEqual({ notBefore: failedAt + wait, nextDelayMs: next });
  });

  it('a sequence of quick crashes waits 0, 10, 20, 40 s', () => {
    let delay: number | undefined;
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      const g = backoffGate(delay, 0, 100, cfg);
      waits.push(g.notBefore);
      delay = g.nextDelayMs;
    }
    expect(waits).toEqual([0, 10_000, 20_000, 40_000]);
  });
});
