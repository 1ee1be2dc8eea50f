// Kubernetes resource quantities ("250m", "128Mi", "1G", "0.5", "1e3"), held exactly as an
// integer count of milli-units (bigint), so "0.1" cpu is 100 and "1Gi" memory is 1073741824000.
// Precision finer than a milli-unit is rounded up, as Kubernetes does.
import { BerthError } from './errors';

export class InvalidQuantityError extends BerthError {}

const BINARY: Record<string, bigint> = {
  Ki: 1n << 10n,
  Mi: 1n << 20n,
  Gi: 1n << 30n,
  Ti: 1n << 40n,
  Pi: 1n << 50n,
  Ei: 1n << 60n,
};

/** Decimal SI suffixes as powers of ten. */
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

const GRAMMAR = /^([+-]?)(\d*)(?:\.(\d*))?(.*)$/;

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

/** Scales digits × 10^exp × mult into milli-units, rounding a remainder up (away from zero). */
function toMilli(digits: bigint, exp10: number, mult: bigint): bigint {
  const scale = exp10 + 3;
  const num = digits * mult;
  if (scale >= 0) return num * pow10(scale);
  const div = pow10(-scale);
  const q = num / div;
  return num % div === 0n ? q : q + 1n;
}

/** Parses a quantity to milli-units. Throws InvalidQuantityError naming what is wrong. */
export function parseQuantity(input: string | number): bigint {
  const s = String(input).trim();
  const m = GRAMMAR.exec(s);
  if (!s || !m) throw new InvalidQuantityError(`invalid quantity "${s}": expected a number with an optional suffix (250m, 128Mi, 1G)`);
  const [, sign, whole, frac = '', suffix] = m;
  if (whole === '' && frac === '') throw new InvalidQuantityError(`invalid quantity "${s}": no digits`);
  let exp10 = -frac.length;
  let mult = 1n;
  if (suffix in BINARY) mult = BINARY[suffix];
  else if (suffix in DECIMAL) exp10 += DECIMAL[suffix];
  else if (/^[eE][+-]?\d+$/.test(suffix)) exp10 += Number(suffix.slice(1));
  else throw new InvalidQuantityError(`invalid quantity "${s}": unknown suffix "${suffix}" (use m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei or e<n>)`);
  if (Math.abs(exp10) > 64) throw new InvalidQuantityError(`invalid quantity "${s}": exponent out of range`);
  const milli = toMilli(BigInt(whole + frac || '0'), exp10, mult);
  return sign === '-' ? -milli : milli;
}

/** CPU in millicores ("250m" → 250, "2" → 2000). */
export function cpuMillis(q: string | number): number {
  return Number(parseQuantity(q));
}

/** Bytes, rounded up to a whole byte ("128Mi" → 134217728). */
export function memoryBytes(q: string | number): number {
  const milli = parseQuantity(q);
  return Number(milli / 1000n + (milli % 1000n > 0n ? 1n : 0n));
}

/** Whether a string is a valid quantity. */
export function isQuantity(q: string): boolean {
  try {
    parseQuantity(q);
    return true;
  } catch {
    return false;
  }
}

/**
 * Formats milli-units back to the shortest exact quantity: binary suffixes for byte counts
 * ("binary": 134217728000 → "128Mi"), else decimal ones ("decimal": 250 → "250m", 2000 → "2").
 */
export function formatQuantity(milli: bigint, style: 'binary' | 'decimal' = 'decimal'): string {
  if (milli < 0n) return `-${formatQuantity(-milli, style)}`;
  if (milli % 1000n !== 0n) return `${milli}m`;
  const units = milli / 1000n;
  if (units === 0n) return '0';
  if (style === 'binary') {
    for (const suffix of ['Ei', 'Pi', 'Ti', 'Gi', 'Mi', 'Ki']) {
      if (units % BINARY[suffix] === 0n) return `${units / BINARY[suffix]}${suffix}`;
    }
  }
  for (const suffix of ['E', 'P', 'T', 'G', 'M', 'k']) {
    const div = pow10(DECIMAL[suffix]);
    if (units % div === 0n) return `${units / div}${suffix}`;
  }
  return String(units);
}
