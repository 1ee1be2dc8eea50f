// Expected outcomes are typed errors the caller branches on by `name`/instanceof, never by
// message text (STYLE.md 5). gRPC status codes appear only in lib/api/grpc-status.ts.

export interface FieldError {
  /** e.g. "spec.template.spec.containers[0].image" */
  field: string;
  message: string;
}

export class BerthError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class NotFoundError extends BerthError {}
export class AlreadyExistsError extends BerthError {}
/** Compare-and-swap lost: the object changed since it was read. */
export class ConflictError extends BerthError {}
/** A watch or list asked for a revision etcd has compacted away: re-list. */
export class TooOldError extends BerthError {}
export class UnavailableError extends BerthError {}
export class BadRequestError extends BerthError {}
export class DeadlineError extends BerthError {}

export class InvalidError extends BerthError {
  constructor(
    readonly fieldErrors: FieldError[],
    readonly what = 'object',
  ) {
    super(`${what} is invalid:\n${fieldErrors.map((e) => `  ${e.field}: ${e.message}`).join('\n')}`);
  }
}

/** Prefixes an error's message with context while keeping its class and cause chain. */
export function wrapError<E extends Error>(err: E, context: string): E {
  err.message = `${context}: ${err.message}`;
  return err;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
