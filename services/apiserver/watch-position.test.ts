import { formatWatchPosition, isAfter, parseWatchPosition, RevisionIndexer } from './watch-position';
import { BadRequestError } from '../../lib/errors';

describe('watch positions', () => {
  test('a plain revision covers all of it; R.i only its first i+1 changes', () => {
    const whole = parseWatchPosition('10');
    expect(isAfter(10, 5, whole)).toBe(false);
    expect(isAfter(11, 0, whole)).toBe(true);
    const part = parseWatchPosition('10.2');
    expect(isAfter(10, 2, part)).toBe(false);
    expect(isAfter(10, 3, part)).toBe(true);
    expect(isAfter(9, 7, part)).toBe(false);
  });
  test('round trip and refusal of garbage', () => {
    expect(parseWatchPosition(formatWatchPosition(42, 3))).toEqual({ revision: 42, index: 3 });
    expect(() => parseWatchPosition('abc')).toThrow(BadRequestError);
    expect(() => parseWatchPosition('1.2.3')).toThrow(BadRequestError);
  });
  test('changes are numbered within their revision', () => {
    const ix = new RevisionIndexer();
    expect([5, 5, 5, 6, 7, 7].map((r) => ix.indexOf(r))).toEqual([0, 1, 2, 0, 0, 1]);
  });
});
