import { StringInterner } from './string-interner';

describe('StringInterner', () => {
  it('returns the first copy of equal strings, and interns record keys and values', () => {
    const i = new StringInterner();
    const a = i.get(['def', 'ault'].join(''));
    expect(i.get('default')).toBe(a);
    expect(i.record({ app: 'web' })).toEqual({ app: 'web' });
    expect(i.get('')).toBe('');
    expect(i.size).toBe(3);
  });

  it('starts over when full instead of growing', () => {
    const i = new StringInterner(2);
    i.get('a');
    i.get('b');
    i.get('c');
    expect(i.size).toBe(1);
  });
});
