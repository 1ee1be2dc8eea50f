import { Probe } from '../../lib/api';
import { initialProberState, probeTiming, recordProbeResult, type ProbeKind } from './prober';

describe('probeTiming', () => {
  it('applies Kubernetes defaults', () => {
    expect(probeTiming(Probe.fromPartial({}), 'readiness')).toEqual({ initialDelayMs: 0, periodMs: 10_000, timeoutMs: 1000, successThreshold: 1, failureThreshold: 3 });
  });
  it('liveness success threshold is always 1', () => {
    expect(probeTiming(Probe.fromPartial({ successThreshold: 3 }), 'liveness').successThreshold).toBe(1);
  });
});

describe('prober state machine', () => {
  const run = (kind: ProbeKind, probe: Partial<Probe>, results: boolean[]) => {
    const t = probeTiming(Probe.fromPartial({ periodSeconds: 1, ...probe }), kind);
    let s = initialProberState(kind, t, 0);
    const verdicts: boolean[] = [s.verdict];
    let now = s.nextAt;
    for (const ok of results) {
      s = recordProbeResult(s, t, ok, now);
      verdicts.push(s.verdict);
      now = s.nextAt;
    }
    return { verdicts, s };
  };
  const cases: { name: string; kind: ProbeKind; probe: Partial<Probe>; results: boolean[]; verdicts: boolean[] }[] = [
    { name: 'readiness: one success makes ready', kind: 'readiness', probe: {}, results: [true], verdicts: [false, true] },
    { name: 'readiness: successThreshold 2', kind: 'readiness', probe: { successThreshold: 2 }, results: [true, false, true, true], verdicts: [false, false, false, false, true] },
    { name: 'readiness: failureThreshold 2 drops ready', kind: 'readiness', probe: { failureThreshold: 2 }, results: [true, false, true, false, false], verdicts: [false, true, true, true, true, false] },
    { name: 'liveness: alive until 3 failures in a row', kind: 'liveness', probe: {}, results: [false, false, true, false, false, false], verdicts: [true, true, true, true, true, true, false] },
    { name: 'liveness: failureThreshold 1', kind: 'liveness', probe: { failureThreshold: 1 }, results: [true, false], verdicts: [true, true, false] },
  ];
  it.each(cases)('$name', ({ kind, probe, results, verdicts }) => {
    expect(run(kind, probe, results).verdicts).toEqual(verdicts);
  });

  it('first probe waits the initial delay, then one period per result', () => {
    const t = probeTiming(Probe.fromPartial({ initialDelaySeconds: 5, periodSeconds: 2 }), 'readiness');
    const s = initialProberState('readiness', t, 1000);
    expect(s.nextAt).toBe(6000);
    expect(recordProbeResult(s, t, true, 6003).nextAt).toBe(8003);
  });
});
