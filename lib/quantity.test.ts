import { cpuMillis, formatQuantity, InvalidQuantityError, memoryBytes, parseQuantity } from './quantity';

describe('parseQuantity', () => {
  test.each<[string, bigint]>([
    ['250m', 250n],
    ['1', 1000n],
    ['0.5', 500n],
    ['.5', 500n],
    ['2.25', 2250n],
    ['1k', 1_000_000n],
    ['1M', 1_000_000_000n],
    ['1G', 1_000_000_000_000n],
    ['1T', 1_000_000_000_000_000n],
    ['1Ki', 1_024_000n],
    ['128Mi', 134_217_728_000n],
    ['1.5Gi', 1_610_612_736_000n],
    ['1Ti', 1_099_511_627_776_000n],
    ['1e3', 1_000_000n],
    ['1E3', 1_000_000n],
    ['1E', 1_000_000_000_000_000_000_000n],
    ['5e-3', 5n],
    ['100u', 1n], // rounded up to one milli-unit
    ['1n', 1n],
    ['0', 0n],
    ['-1', -1000n],
    ['+2m', 2n],
  ])('%s → %s milli-units', (input, milli) => {
    expect(parseQuantity(input)).toBe(milli);
  });

  test.each([
    ['', 'expected a number'],
    ['abc', 'no digits'],
    ['1.2.3', 'unknown suffix ".3"'],
    ['10MB', 'unknown suffix "MB"'],
    ['5 Gi', 'unknown suffix " Gi"'],
    ['1e', 'unknown suffix "e"'],
    ['Mi', 'no digits'],
  ])('%j is refused: %s', (input, msg) => {
    expect(() => parseQuantity(input)).toThrow(InvalidQuantityError);
    expect(() => parseQuantity(input)).toThrow(msg);
  });

  test('numbers from YAML are accepted', () => {
    expect(parseQuantity(2)).toBe(2000n);
    expect(parseQuantity(0.25)).toBe(250n);
  });
});

describe('cpuMillis and memoryBytes', () => {
  test.each<[string, number]>([
    ['250m', 250],
    ['2', 2000],
    ['0.1', 100],
  ])('cpu %s = %d m', (q, m) => expect(cpuMillis(q)).toBe(m));

  test.each<[string, number]>([
    ['128Mi', 134_217_728],
    ['1G', 1_000_000_000],
    ['1500m', 2], // 1.5 bytes round up
    ['64', 64],
  ])('memory %s = %d bytes', (q, b) => expect(memoryBytes(q)).toBe(b));
});

describe('formatQuantity', () => {
  test.each<[bigint, 'binary' | 'decimal', string]>([
    [250n, 'decimal', '250m'],
    [2000n, 'decimal', '2'],
    [0n, 'decimal', '0'],
    [1_500_000n, 'decimal', '1500'],
    [1_000_000_000n, 'decimal', '1M'],
    [134_217_728_000n, 'binary', '128Mi'],
    [1_000_000_000_000n, 'binary', '1G'],
    [1_610_612_736_000n, 'binary', '1536Mi'],
    [1_234_000n, 'binary', '1234'],
    [-250n, 'decimal', '-250m'],
  ])('%s (%s) → %s', (milli, style, text) => {
    expect(formatQuantity(milli, style)).toBe(text);
  });

  test.each(['250m', '128Mi', '1G', '3', '1Ki'])('round-trips %s', (q) => {
    const style = q.endsWith('i') ? 'binary' : 'decimal';
    expect(parseQuantity(formatQuantity(parseQuantity(q), style))).toBe(parseQuantity(q));
  });
});
