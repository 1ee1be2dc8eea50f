import { humanBytes } from './image-command';

test.each([
  [0, '0B'],
  [999, '999B'],
  [1000, '1.0kB'],
  [1536, '1.5kB'],
  [999_949, '999.9kB'],
  [1_234_567, '1.2MB'],
  [41_956_106, '42.0MB'],
  [1_073_741_824, '1.1GB'],
  [5_000_000_000_000, '5000.0GB'],
])('humanBytes(%d) = %s', (n, want) => {
  expect(humanBytes(n)).toBe(want);
});
