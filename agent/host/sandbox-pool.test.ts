import { refillStep } from './sandbox-pool';

const base = { target: 4, ready: 1, idle: true, quiet: true, hasParams: true, stopped: false };

test.each([
  ['below target and idle: fill', base, 'fill'],
  ['pod starts in flight: wait', { ...base, idle: false }, 'wait'],
  ['a sandbox asked for within the last second (a burst going on): wait', { ...base, quiet: false }, 'wait'],
  ['above target during a burst: wait', { ...base, target: 2, ready: 5, quiet: false }, 'wait'],
  ['no podCIDR yet: wait', { ...base, ready: 0, hasParams: false }, 'wait'],
  ['at target', { ...base, ready: 4 }, 'done'],
  ['off', { ...base, target: 0, ready: 0 }, 'done'],
  ['above target and idle: trim', { ...base, target: 2, ready: 5 }, 'trim'],
  ['above target, pod starts in flight: wait', { ...base, target: 2, ready: 5, idle: false }, 'wait'],
  ['above target without a podCIDR: trim (a release needs none)', { ...base, target: 0, ready: 1, hasParams: false }, 'trim'],
  ['stopped', { ...base, ready: 0, stopped: true }, 'done'],
] as const)('%s', (_n, s, want) => expect(refillStep(s)).toBe(want));
