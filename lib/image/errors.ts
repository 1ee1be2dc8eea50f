import { BadRequestError, BerthError, NotFoundError, UnavailableError } from '../errors';

// What went wrong talking to a registry, told apart by class (STYLE 5): a controller retries
// "registry down" and "rate limited", reports "tag not found" and "auth failed" to the user.

/** The registry has no manifest for this tag or digest ("tag not found"). */
export class ManifestUnknownError extends NotFoundError {}
/** The registry has no blob with this digest. */
export class BlobUnknownError extends NotFoundError {}
/** 401/403 after presenting the credentials we have ("auth failed"). */
export class AuthError extends BerthError {}
/** 429 Too Many Requests, after retries. */
export class RateLimitedError extends UnavailableError {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}
/** Connection refused/reset, 5xx, or no progress within the idle timeout, after retries ("registry down"). */
export class RegistryUnavailableError extends UnavailableError {}
/** Content did not hash to the digest it was asked for (or had the wrong size). */
export class DigestMismatchError extends BerthError {
  constructor(
    readonly expected: string,
    readonly actual: string,
    context: string,
  ) {
    super(`${context}: digest mismatch: expected ${expected}, got ${actual}`);
  }
}
/** Docker schema 1, an unknown media type, or a manifest berth cannot use. */
export class UnsupportedManifestError extends BadRequestError {}
/** An image index lists no manifest for this node's platform. */
export class NoMatchingPlatformError extends NotFoundError {}
