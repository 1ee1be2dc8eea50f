import { BadRequestError } from '../../lib/errors';

// List paging: the token names the last key returned and the revision the first page was
// read at, so every page reads the same snapshot. Opaque to clients (base64url JSON).

export interface ContinueToken {
  /** Last key returned. */
  key: string;
  /** etcd revision of the snapshot. */
  rev: string;
}

export function encodeContinue(t: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: 1, k: t.key, r: t.rev })).toString('base64url');
}

export function decodeContinue(token: string, prefix: string): ContinueToken {
  let parsed: { v?: number; k?: unknown; r?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString()) as typeof parsed;
  } catch (err) {
    throw new BadRequestError('invalid continue token', { cause: err });
  }
  if (parsed.v !== 1 || typeof parsed.k !== 'string' || typeof parsed.r !== 'string' || !/^[1-9][0-9]*$/.test(parsed.r)) throw new BadRequestError('invalid continue token');
  if (!parsed.k.startsWith(prefix)) throw new BadRequestError('continue token does not belong to this list (kind or namespace differ)');
  return { key: parsed.k, rev: parsed.r };
}
