import { age, humanDuration } from './age';

test.each<[number, string]>([
  [0, '0s'],
  [-500, '0s'],
  [-5000, '<invalid>'],
  [59_000, '59s'],
  [119_000, '119s'],
  [120_000, '2m'],
  [200_000, '3m20s'],
  [600_000, '10m'],
  [179 * 60_000, '179m'],
  [3 * 3600_000, '3h'],
  [5 * 3600_000 + 12 * 60_000, '5h12m'],
  [30 * 3600_000, '30h'],
  [3 * 86400_000 + 4 * 3600_000, '3d4h'],
  [10 * 86400_000, '10d'],
  [(2 * 365 + 10) * 86400_000, '2y10d'],
  [9 * 365 * 86400_000, '9y'],
])('humanDuration(%d) = %s', (ms, text) => expect(humanDuration(ms)).toBe(text));

test('age of a timestamp', () => {
  expect(age('2024-05-01T12:00:00Z', Date.parse('2024-05-01T12:00:30Z'))).toBe('30s');
  expect(age('', 0)).toBe('<unknown>');
});
