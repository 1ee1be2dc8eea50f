import { refillStep } from './sandbox-pool';

test.each([
  ['room and idle: fill', { size: 4, ready: 1, idle: true, hasParams: true, stopped: false }, 'fill'],
  ['pod starts in flight: wait', { size: 4, ready: 1, idle: false, hasParams: true, stopped: false }, 'wait'],
  ['no podCIDR yet: wait', { size: 4, ready: 0, idle: true, hasParams: false, stopped: false }, 'wait'],
  ['full', { size: 4, ready: 4, idle: true, hasParams: true, stopped: false }, 'full'],
  ['off', { size: 0, ready: 0, idle: true, hasParams: true, stopped: false }, 'full'],
  ['stopped', { size: 4, ready: 0, idle: true, hasParams: true, stopped: true }, 'full'],
] as const)('%s', (_n, s, want) => expect(refillStep(s)).toBe(want));
