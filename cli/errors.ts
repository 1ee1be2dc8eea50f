// How the CLI reports failures: one clear line (or the field errors), never a stack trace.
import { errorMessage, InvalidError, UnavailableError } from '../lib/errors';
import type { DocumentFieldError } from '../lib/manifest/documents';

/** The apiserver did not answer at all. */
export class UnreachableError extends UnavailableError {
  constructor(readonly server: string, cause?: unknown) {
    super(`cannot reach the berth apiserver at ${server}: is a cluster running? Start one with 'berth dev up'`, { cause });
  }
}

/** Manifest problems as one InvalidError, each line naming file, document and field. */
export function manifestError(errors: DocumentFieldError[]): InvalidError {
  return new InvalidError(
    errors.map((e) => ({ field: e.field ? `${e.document}: ${e.field}` : e.document, message: e.message })),
    'manifest',
  );
}

/** The text printed for a failed command. */
export function formatCliError(err: unknown): string {
  if (err instanceof InvalidError) {
    const lines = err.fieldErrors.map((e) => `  ${e.field}: ${e.message}`);
    return `error: ${err.message.split('\n')[0]}\n${lines.join('\n')}\n`.replace(/\n\n$/, '\n');
  }
  return `error: ${errorMessage(err)}\n`;
}

/** Wraps a command action: prints failures with formatCliError and exits non-zero. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (err) {
      process.stderr.write(formatCliError(err));
      process.exitCode = 1;
    }
  };
}
