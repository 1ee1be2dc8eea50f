import { Pod } from '../../lib/api';
import { parseDuration, simulatedFaults } from './fault-annotations';

describe('parseDuration', () => {
  it.each([
    ['5s', 5000],
    ['500ms', 500],
    ['2m', 120_000],
    ['1.5s', 1500],
    ['3', 3000],
    ['soon', undefined],
    ['-1s', undefined],
  ])('%s → %s', (text, want) => expect(parseDuration(text)).toBe(want));
});

describe('simulatedFaults', () => {
  it('reads all three annotations', () => {
    const pod = Pod.fromPartial({
      metadata: { annotations: { 'berth.dev/simulate-crash-after': '5s', 'berth.dev/simulate-never-ready': 'true', 'berth.dev/simulate-image-pull-error': 'manifest unknown' } },
    });
    expect(simulatedFaults(pod)).toEqual({ crashAfterMs: 5000, neverReady: true, pullError: 'manifest unknown' });
  });
  it('no annotations: no faults', () => {
    expect(simulatedFaults(Pod.fromPartial({}))).toEqual({ crashAfterMs: undefined, neverReady: false, pullError: undefined });
  });
});
