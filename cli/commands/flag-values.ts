// Flag values in kubectl's forms: Go durations ("5m", "1h30m", "0") and booleans ("-w=false").
import { BadRequestError } from '../../lib/errors';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Pure: a Go-style duration in ms; "0" means none. */
export function parseDuration(flag: string, text: string): number {
  if (text === '0') return 0;
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) throw new BadRequestError(`${flag} must be a duration like 30s, 5m or 1h30m, not "${text}"`);
  return parts.reduce((ms, p) => ms + Number(p[1]) * UNIT_MS[p[2]], 0);
}

/** Pure: "true"/"false" (a leading "=" from "-w=false" is dropped); no value means true. */
export function parseBool(flag: string, text: string | boolean | undefined): boolean {
  if (text === undefined || typeof text === 'boolean') return text ?? true;
  const v = text.replace(/^=/, '');
  if (v === 'true' || v === '') return true;
  if (v === 'false') return false;
  throw new BadRequestError(`${flag} must be true or false, not "${text}"`);
}
