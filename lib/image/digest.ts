import { BadRequestError } from '../errors';

/** A content digest was malformed or used an algorithm berth does not verify. */
export class InvalidDigestError extends BadRequestError {}

/** Hex length of each algorithm the OCI image spec registers (go-digest verifies the same set). */
const HEX_LENGTH: Readonly<Record<string, number>> = { sha256: 64, sha384: 96, sha512: 128 };

export interface ParsedDigest {
  algorithm: string;
  hex: string;
}

/**
 * Why a digest string is unacceptable, or undefined when it is fine. Grammar (OCI image spec):
 * `algorithm ":" encoded`, algorithm components `[a-z0-9]+` joined by `+._-`; berth verifies
 * only sha256/sha384/sha512 with lowercase hex of the exact length, as go-digest does.
 */
export function digestProblem(digest: string): string | undefined {
  const colon = digest.indexOf(':');
  if (colon <= 0) return 'digest must look like "sha256:<64 hex digits>"';
  const algorithm = digest.slice(0, colon);
  const hex = digest.slice(colon + 1);
  if (!/^[a-z0-9]+(?:[+._-][a-z0-9]+)*$/.test(algorithm)) return `invalid digest algorithm "${algorithm}"`;
  const want = HEX_LENGTH[algorithm];
  if (want === undefined) return `unsupported digest algorithm "${algorithm}"`;
  if (hex.length !== want) return `${algorithm} digest must have ${want} hex digits, got ${hex.length}`;
  if (!/^[0-9a-f]+$/.test(hex)) return `${algorithm} digest must be lowercase hex`;
  return undefined;
}

/** Splits a digest after validating it; throws InvalidDigestError. */
export function parseDigest(digest: string): ParsedDigest {
  const problem = digestProblem(digest);
  if (problem !== undefined) throw new InvalidDigestError(`invalid digest "${digest}": ${problem}`);
  const colon = digest.indexOf(':');
  return { algorithm: digest.slice(0, colon), hex: digest.slice(colon + 1) };
}

/** First 12 hex digits, as `docker pull` shows layers. */
export function shortDigest(digest: string): string {
  const colon = digest.indexOf(':');
  return digest.slice(colon + 1, colon + 13);
}
