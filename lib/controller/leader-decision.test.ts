import { Lease } from '../api';
import { decideLeaseAction, observe } from './leader-decision';

const lease = (holder: string, rv: string, durationS = 15): Lease =>
  Lease.fromPartial({ metadata: { name: 'l', namespace: 'berth-system', resourceVersion: rv }, spec: { holderIdentity: holder, leaseDurationSeconds: durationS } });

describe('decideLeaseAction', () => {
  const cases: [string, Lease | undefined, { rv: string; at: number } | undefined, number, string][] = [
    ['no lease: create', undefined, undefined, 0, 'create'],
    ['own lease: renew', lease('me', '5'), undefined, 0, 'renew'],
    ['released lease: acquire', lease('', '5'), undefined, 0, 'acquire'],
    ['other holder, first sight: wait', lease('other', '5'), undefined, 100_000, 'wait'],
    ['other holder, record changed since: wait', lease('other', '6'), { rv: '5', at: 0 }, 100_000, 'wait'],
    ['other holder, unchanged for less than duration: wait', lease('other', '5'), { rv: '5', at: 1000 }, 15_999, 'wait'],
    ['other holder, unchanged for the duration: acquire', lease('other', '5'), { rv: '5', at: 1000 }, 16_000, 'acquire'],
  ];
  it.each(cases)('%s', (_name, l, obs, now, want) => {
    const observed = obs && { holder: 'other', renewTime: '', resourceVersion: obs.rv, observedAt: obs.at };
    expect(decideLeaseAction(l, observed, 'me', now, 15_000)).toBe(want);
  });

  it('observe keeps the first sighting time while the record is unchanged', () => {
    const a = observe(lease('x', '1'), undefined, 10);
    expect(observe(lease('x', '1'), a, 50).observedAt).toBe(10);
    expect(observe(lease('x', '2'), a, 50).observedAt).toBe(50);
  });
});
