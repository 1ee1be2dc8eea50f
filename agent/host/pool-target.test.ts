import { peakInWindow, poolTarget, recentDemand } from './pool-target';

test.each([
  ['none', [], 1000, 0],
  ['one', [5], 1000, 1],
  ['all inside one window', [0, 100, 999], 1000, 3],
  ['a window is half-open: 1000 apart are two bursts', [0, 1000], 1000, 1],
  ['the densest span wins', [0, 5000, 5100, 5200, 9000, 9100], 1000, 3],
  ['a steady 5/s for 12 s, 30 s window', Array.from({ length: 60 }, (_, i) => i * 200), 30_000, 60],
  ['a steady 5/s for 12 s, 10 s window', Array.from({ length: 60 }, (_, i) => i * 200), 10_000, 50],
] as const)('peakInWindow: %s', (_n, times, windowMs, want) => expect(peakInWindow(times, windowMs)).toBe(want));

test.each([
  ['all remembered', [10, 20], 100, 1000, [10, 20]],
  ['old ones forgotten', [10, 20, 990], 1015, 1000, [20, 990]],
  ['all forgotten', [10, 20], 5000, 1000, []],
] as const)('recentDemand: %s', (_n, demand, now, memoryMs, want) => expect(recentDemand(demand, now, memoryMs)).toEqual(want));

const burst = (n: number, at: number) => Array.from({ length: n }, () => at);
const base = { floor: 8, ceiling: 110, demand: [] as number[], now: 0, windowMs: 30_000, memoryMs: 600_000 };

test.each([
  ['no demand: the floor', base, 8],
  ['a burst smaller than the floor: the floor', { ...base, demand: burst(3, 0), now: 1000 }, 8],
  ['a burst of 50: 50', { ...base, demand: burst(50, 0), now: 1000 }, 50],
  ['the burst forgotten after the memory: the floor again', { ...base, demand: burst(50, 0), now: 600_000 }, 8],
  ['bounded by the room the pods leave', { ...base, demand: burst(50, 0), now: 1000, ceiling: 30 }, 30],
  ['a full node: nothing', { ...base, ceiling: 0 }, 0],
  ['a ceiling below zero is zero', { ...base, ceiling: -3 }, 0],
  ['floor 0 is off, whatever the demand', { ...base, floor: 0, demand: burst(50, 0), now: 1000 }, 0],
] as const)('poolTarget: %s', (_n, input, want) => expect(poolTarget(input)).toBe(want));
