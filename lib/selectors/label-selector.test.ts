import { BadRequestError } from '../errors';
import { labelSelectorFromMessage, labelSelectorToString, parseLabelSelector } from './label-selector';

describe('parseLabelSelector matching', () => {
  const labels = { app: 'web', tier: 'front', env: 'prod' };
  const cases: [string, Record<string, string> | undefined, boolean][] = [
    ['', labels, true],
    ['', undefined, true],
    ['app=web', labels, true],
    ['app==web', labels, true],
    ['app=db', labels, false],
    ['app!=db', labels, true],
    ['missing!=x', labels, true],
    ['app!=web', labels, false],
    ['env in (prod,staging)', labels, true],
    ['env in (dev)', labels, false],
    ['env notin (dev, staging)', labels, true],
    ['env notin (prod)', labels, false],
    ['missing notin (prod)', labels, true],
    ['missing in (prod)', labels, false],
    ['tier', labels, true],
    ['missing', labels, false],
    ['!missing', labels, true],
    ['!tier', labels, false],
    ['app=web,tier!=db,env in (prod),!legacy', labels, true],
    ['app=web,tier=db', labels, false],
    ['  app = web ,  tier  ', labels, true],
    ['example.com/role=x', { 'example.com/role': 'x' }, true],
    ['app=', { app: '' }, true],
    ['app=', labels, false],
  ];
  test.each(cases)('%j on %j → %s', (sel, l, want) => {
    expect(parseLabelSelector(sel).matches(l)).toBe(want);
  });
});

describe('parseLabelSelector errors name the problem', () => {
  const cases: [string, RegExp][] = [
    ['a in (x', /missing "\)" after the values of "a"/],
    ['a in x', /expected "\(" after "in"/],
    ['a in ()', /needs at least one value/],
    ['a=b,', /trailing ","/],
    [',a', /expected a label key but found ","/],
    ['a b', /unexpected "b" after "a"/],
    ['-bad=x', /invalid label key "-bad"/],
    ['a=b c', /expected "," but found "c"/],
    ['a=-x', /invalid label value "-x"/],
    ['a>1', /not supported/],
    ['!', /label key after "!"/],
  ];
  test.each(cases)('%j', (sel, re) => {
    expect(() => parseLabelSelector(sel)).toThrow(BadRequestError);
    expect(() => parseLabelSelector(sel)).toThrow(re);
  });
});

describe('labelSelectorFromMessage', () => {
  test('matchLabels and matchExpressions combine', () => {
    const m = labelSelectorFromMessage({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'env', operator: 'In', values: ['a', 'b'] },
        { key: 'legacy', operator: 'DoesNotExist', values: [] },
      ],
    });
    expect(m.matches({ app: 'web', env: 'a' })).toBe(true);
    expect(m.matches({ app: 'web', env: 'c' })).toBe(false);
    expect(m.matches({ app: 'web', env: 'a', legacy: '1' })).toBe(false);
  });
  test('absent selects nothing, empty selects everything', () => {
    expect(labelSelectorFromMessage(undefined).matches({ a: 'b' })).toBe(false);
    expect(labelSelectorFromMessage({ matchLabels: {}, matchExpressions: [] }).matches({ a: 'b' })).toBe(true);
  });
  test('bad operators are refused', () => {
    expect(() => labelSelectorFromMessage({ matchLabels: {}, matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] })).toThrow(/unknown operator "Gt"/);
    expect(() => labelSelectorFromMessage({ matchLabels: {}, matchExpressions: [{ key: 'a', operator: 'In', values: [] }] })).toThrow(/needs values/);
  });
  test('string form parses back to the same meaning', () => {
    const msg = { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['x'] }, { key: 'k', operator: 'Exists', values: [] }] };
    const s = labelSelectorToString(msg);
    expect(s).toBe('app=web,env notin (x),k');
    expect(parseLabelSelector(s).requirements).toEqual(labelSelectorFromMessage(msg).requirements.map((r) => ({ ...r })));
  });
});
