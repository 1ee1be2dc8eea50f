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

  it.each([
    ['same labels', { app: 'web', hash: 'a' }, { app: 'web', hash: 'a' }, true],
    ['other value', { app: 'web', hash: 'a' }, { app: 'web', hash: 'b' }, false],
    ['key/value boundary', { ab: 'c' }, { a: 'bc' }, false],
    ['empty and missing', {}, undefined, true],
  ])('shares one frozen label map per content (%s)', (_n, x, y, same) => {
    const i = new StringInterner();
    const a = i.sharedRecord(x);
    expect(a).toEqual(x);
    expect(Object.isFrozen(a)).toBe(true);
    expect(a === i.sharedRecord(y)).toBe(same);
  });

  it('shares one frozen owner list per content', () => {
    const i = new StringInterner();
    const ref = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u1', controller: true, blockOwnerDeletion: true };
    const a = i.sharedOwners([ref]);
    expect(a).toEqual([ref]);
    expect(i.sharedOwners([{ ...ref }])).toBe(a);
    expect(i.sharedOwners([{ ...ref, controller: false }])).not.toBe(a);
  });
});
