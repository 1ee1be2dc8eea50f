import { status as Status, Metadata, type ServiceError } from '@grpc/grpc-js';
import {
  AlreadyExistsError,
  BadRequestError,
  BerthError,
  ConflictError,
  DeadlineError,
  InvalidError,
  NotFoundError,
  TooOldError,
  UnavailableError,
  type FieldError,
} from '../errors';

// The one place where typed errors and gRPC status codes meet (containerd's errgrpc).

const FIELD_ERRORS_KEY = 'berth-field-errors-bin';

export interface GrpcStatusError {
  code: Status;
  details: string;
  metadata?: Metadata;
}

/** Server side: a domain error to the status a gRPC handler returns. */
export function toGrpcStatus(err: unknown): GrpcStatusError {
  if (err instanceof InvalidError) {
    const metadata = new Metadata();
    metadata.set(FIELD_ERRORS_KEY, Buffer.from(JSON.stringify(err.fieldErrors)));
    return { code: Status.INVALID_ARGUMENT, details: err.message, metadata };
  }
  const table: [new (...a: never[]) => BerthError, Status][] = [
    [NotFoundError, Status.NOT_FOUND],
    [AlreadyExistsError, Status.ALREADY_EXISTS],
    [ConflictError, Status.ABORTED],
    [TooOldError, Status.OUT_OF_RANGE],
    [UnavailableError, Status.UNAVAILABLE],
    [BadRequestError, Status.INVALID_ARGUMENT],
    [DeadlineError, Status.DEADLINE_EXCEEDED],
  ];
  for (const [cls, code] of table) if (err instanceof cls) return { code, details: err.message };
  return { code: Status.INTERNAL, details: err instanceof Error ? err.message : String(err) };
}

/** Client side: a gRPC error back to the domain error class the caller branches on. */
export function fromGrpcError(err: unknown): Error {
  const e = err as Partial<ServiceError>;
  if (typeof e?.code !== 'number') return err as Error;
  const raw = e.code === Status.INVALID_ARGUMENT ? e.metadata?.get(FIELD_ERRORS_KEY)?.[0] : undefined;
  const fields = raw ? (JSON.parse(Buffer.from(raw as Buffer).toString()) as FieldError[]) : undefined;
  return errorFromStatus(e.code, e.details || e.message || 'unknown error', fields, err);
}

/** A status code and message (and the fields at fault, for INVALID_ARGUMENT) as the typed error. */
export function errorFromStatus(code: number, msg: string, fields?: FieldError[], cause?: unknown): Error {
  const opts = cause === undefined ? undefined : { cause };
  switch (code) {
    case Status.NOT_FOUND:
      return new NotFoundError(msg, opts);
    case Status.ALREADY_EXISTS:
      return new AlreadyExistsError(msg, opts);
    case Status.ABORTED:
      return new ConflictError(msg, opts);
    case Status.OUT_OF_RANGE:
      return new TooOldError(msg, opts);
    case Status.UNAVAILABLE:
      return new UnavailableError(msg, opts);
    case Status.DEADLINE_EXCEEDED:
      return new DeadlineError(msg, opts);
    case Status.INVALID_ARGUMENT: {
      if (fields && fields.length > 0) {
        const ie = new InvalidError(fields);
        ie.message = msg;
        return ie;
      }
      return new BadRequestError(msg, opts);
    }
    default:
      return new BerthError(msg, opts);
  }
}
