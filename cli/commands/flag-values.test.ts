import { parseBool, parseDuration } from './flag-values';

describe('parseDuration', () => {
  test.each([
    ['0', 0],
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['1.5s', 1500],
    ['250ms', 250],
  ])('%s', (text, ms) => expect(parseDuration('--timeout', text)).toBe(ms));
  test.each(['5', '5x', 'm', '5m junk', ''])('%j is refused', (text) => expect(() => parseDuration('--timeout', text)).toThrow('--timeout must be a duration'));
});

describe('parseBool', () => {
  test.each([
    [undefined, true],
    [true, true],
    ['true', true],
    ['=true', true],
    ['false', false],
    ['=false', false],
  ])('%j', (text, want) => expect(parseBool('-w', text)).toBe(want));
  test('other words are refused', () => expect(() => parseBool('-w', 'no')).toThrow('-w must be true or false, not "no"'));
});
