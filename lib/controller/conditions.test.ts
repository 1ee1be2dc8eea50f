import { setCondition } from './conditions';

describe('setCondition', () => {
  const base = [{ type: 'Ready', status: 'True', reason: 'R', message: '', lastTransitionTime: 't0', lastUpdateTime: 't0', lastHeartbeatTime: 'h' }];
  it('returns the same list when nothing changes', () => {
    expect(setCondition(base, { type: 'Ready', status: 'True', reason: 'R', message: '' }, 't1')).toBe(base);
  });
  it('keeps transition time when only the reason changes', () => {
    const out = setCondition(base, { type: 'Ready', status: 'True', reason: 'S', message: '' }, 't1');
    expect(out[0]).toMatchObject({ reason: 'S', lastTransitionTime: 't0', lastUpdateTime: 't1', lastHeartbeatTime: 'h' });
  });
  it('moves transition time on a status change and appends new types', () => {
    let out = setCondition(base, { type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown', message: '' }, 't2');
    out = setCondition(out, { type: 'Other', status: 'False', reason: '', message: '' }, 't2');
    expect(out.map((c) => [c.type, c.lastTransitionTime])).toEqual([
      ['Ready', 't2'],
      ['Other', 't2'],
    ]);
  });
});
