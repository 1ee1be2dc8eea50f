import * as grpc from '@grpc/grpc-js';
import { ApiClient as GeneratedApiClient, type Object as ApiObject } from '../../proto/gen/berth/v1/api';
import type {
  ApplyResponse,
  BindResult,
  DeleteResponse,
  ExecInput,
  ExecOutput,
  ListResponse,
  LogChunk,
  LogsRequest,
  ManyResponse,
  VersionResponse,
  WatchEvent,
} from './types';
import { KINDS, unwrap, wrap, type KindName, type TypedObjects } from './kinds';
import { errorFromStatus, fromGrpcError } from './grpc-status';
import { API_SERVICE } from './proto-writer';

const ApiClientWithSharedWriter = grpc.makeGenericClientConstructor(API_SERVICE, 'berth.v1.Api') as unknown as typeof GeneratedApiClient;

function manyResults<K extends KindName>(kind: K, res: ManyResponse): (TypedObjects[K] | Error)[] {
  return res.results.map((r) => (r.code === 0 && r.object ? unwrap(kind, r.object) : errorFromStatus(r.code, r.error, r.fieldErrors)));
}

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
}

export interface WatchOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  allowBookmarks?: boolean;
}

export interface TypedWatchEvent<K extends KindName> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';
  object?: TypedObjects[K];
  resourceVersion: string;
}

/** A running watch: iterate its events; `close()` cancels it (the iteration then ends). */
export interface WatchStream<K extends KindName> extends AsyncIterable<TypedWatchEvent<K>> {
  close(): void;
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  force?: boolean;
  preconditionUid?: string;
  preconditionResourceVersion?: string;
}

export interface ClientOptions {
  /** Per-call deadline for unary calls, ms (default 30 s). */
  timeoutMs?: number;
}

/**
 * The typed API client every component and the CLI use. Errors come back as the typed
 * classes of lib/errors (NotFoundError, ConflictError, InvalidError, ...).
 */
export class ApiClient {
  readonly raw: GeneratedApiClient;
  private readonly timeoutMs: number;

  constructor(
    readonly address: string,
    opts: ClientOptions = {},
  ) {
    this.raw = new ApiClientWithSharedWriter(address, grpc.credentials.createInsecure(), {
      'grpc.max_receive_message_length': 64 * 1024 * 1024,
      'grpc.keepalive_time_ms': 30_000,
    });
    this.timeoutMs = opts.timeoutMs ?? 30_000;
  }

  close(): void {
    this.raw.close();
  }

  private deadline(): grpc.CallOptions {
    return { deadline: Date.now() + this.timeoutMs };
  }

  private unary<Req, Res>(method: (req: Req, md: grpc.Metadata, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res: Res) => void) => unknown, req: Req): Promise<Res> {
    return new Promise((resolve, reject) => {
      method.call(this.raw, req, new grpc.Metadata(), this.deadline(), (err, res) => (err ? reject(fromGrpcError(err)) : resolve(res)));
    });
  }

  /** Resolves once the server answers, or rejects with UnavailableError after timeoutMs. */
  waitForReady(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => this.raw.waitForReady(Date.now() + timeoutMs, (err) => (err ? reject(fromGrpcError(err)) : resolve())));
  }

  version(): Promise<VersionResponse> {
    return this.unary(this.raw.version, {});
  }

  async create<K extends KindName>(kind: K, object: TypedObjects[K], dryRun = false): Promise<TypedObjects[K]> {
    return unwrap(kind, await this.unary(this.raw.create, { object: wrap(kind, object), dryRun }));
  }

  async get<K extends KindName>(kind: K, namespace: string, name: string): Promise<TypedObjects[K]> {
    return unwrap(kind, await this.unary(this.raw.get, { key: { kind, namespace, name } }));
  }

  /** One page. */
  async listPage<K extends KindName>(kind: K, opts: ListOptions = {}): Promise<{ items: TypedObjects[K][]; resourceVersion: string; continue: string; raw: ListResponse }> {
    const res = await this.unary(this.raw.list, {
      kind,
      namespace: opts.namespace ?? '',
      labelSelector: opts.labelSelector ?? '',
      fieldSelector: opts.fieldSelector ?? '',
      limit: opts.limit ?? 0,
      continue: opts.continue ?? '',
    });
    return { items: res.items.map((o) => unwrap(kind, o)), resourceVersion: res.resourceVersion, continue: res.continue, raw: res };
  }

  /** Every page, in pages of `pageSize` (default 500), so no reply nears gRPC's message limit. */
  async list<K extends KindName>(kind: K, opts: Omit<ListOptions, 'continue' | 'limit'> & { pageSize?: number } = {}): Promise<{ items: TypedObjects[K][]; resourceVersion: string }> {
    const items: TypedObjects[K][] = [];
    let cont = '';
    let rv = '';
    do {
      const page = await this.listPage(kind, { ...opts, limit: opts.pageSize ?? 500, continue: cont });
      items.push(...page.items);
      if (!rv) rv = page.resourceVersion;
      cont = page.continue;
    } while (cont);
    return { items, resourceVersion: rv };
  }

  async update<K extends KindName>(kind: K, object: TypedObjects[K]): Promise<TypedObjects[K]> {
    return unwrap(kind, await this.unary(this.raw.update, { object: wrap(kind, object) }));
  }

  async updateStatus<K extends KindName>(kind: K, object: TypedObjects[K]): Promise<TypedObjects[K]> {
    return unwrap(kind, await this.unary(this.raw.updateStatus, { object: wrap(kind, object) }));
  }

  delete(kind: KindName, namespace: string, name: string, opts: DeleteOptions = {}): Promise<DeleteResponse> {
    return this.unary(this.raw.delete, {
      key: { kind, namespace, name },
      gracePeriodSeconds: opts.gracePeriodSeconds,
      propagationPolicy: opts.propagationPolicy ?? '',
      force: opts.force ?? false,
      preconditionUid: opts.preconditionUid ?? '',
      preconditionResourceVersion: opts.preconditionResourceVersion ?? '',
    });
  }

  async bind(namespace: string, name: string, nodeName: string, uid = ''): Promise<TypedObjects['pods']> {
    return this.unary(this.raw.bind, { namespace, name, nodeName, uid });
  }

  async bindMany(binds: { namespace: string; name: string; nodeName: string; uid?: string }[]): Promise<BindResult[]> {
    const res = await this.unary(this.raw.bindMany, { binds: binds.map((b) => ({ ...b, uid: b.uid ?? '' })) });
    return res.results;
  }

  /**
   * Creates many objects in one call (at most 500); results in request order, each the stored
   * object or the typed error of that object alone.
   */
  async createMany<K extends KindName>(kind: K, objects: TypedObjects[K][]): Promise<(TypedObjects[K] | Error)[]> {
    const res = await this.unary(this.raw.createMany, { objects: objects.map((o) => wrap(kind, o)) });
    return manyResults(kind, res);
  }

  /** Updates of many objects in one call (at most 500); results as createMany's. */
  async updateMany<K extends KindName>(kind: K, objects: TypedObjects[K][]): Promise<(TypedObjects[K] | Error)[]> {
    const res = await this.unary(this.raw.updateMany, { objects: objects.map((o) => wrap(kind, o)) });
    return manyResults(kind, res);
  }

  /** Status writes of many objects in one call (at most 500); results as createMany's. */
  async updateStatusMany<K extends KindName>(kind: K, objects: TypedObjects[K][]): Promise<(TypedObjects[K] | Error)[]> {
    const res = await this.unary(this.raw.updateStatusMany, { objects: objects.map((o) => wrap(kind, o)) });
    return manyResults(kind, res);
  }

  apply(objects: ApiObject[], opts: { dryRun?: boolean; fieldManager?: string } = {}): Promise<ApplyResponse> {
    return this.unary(this.raw.apply, { objects, dryRun: opts.dryRun ?? false, fieldManager: opts.fieldManager ?? 'berth' });
  }

  /**
   * Watches a kind. Without resourceVersion the stream starts with ADDED for every current
   * object. The iteration throws the typed error the stream ended with (TooOldError: re-list).
   */
  watch<K extends KindName>(kind: K, opts: WatchOptions = {}): WatchStream<K> {
    const call = this.raw.watch({
      kind,
      namespace: opts.namespace ?? '',
      labelSelector: opts.labelSelector ?? '',
      fieldSelector: opts.fieldSelector ?? '',
      resourceVersion: opts.resourceVersion ?? '',
      allowBookmarks: opts.allowBookmarks ?? false,
      allowBatches: true,
    });
    let closed = false;
    const field = KINDS[kind].field;
    return {
      close() {
        closed = true;
        call.cancel();
      },
      async *[Symbol.asyncIterator]() {
        try {
          for await (const message of call as AsyncIterable<WatchEvent>) {
            for (const ev of message.events.length > 0 ? message.events : [message]) {
              yield {
                type: ev.type as TypedWatchEvent<K>['type'],
                object: ev.object?.[field] as TypedObjects[K] | undefined,
                resourceVersion: ev.resourceVersion,
              };
            }
          }
        } catch (err) {
          if (closed && (err as grpc.ServiceError).code === grpc.status.CANCELLED) return;
          throw fromGrpcError(err);
        } finally {
          // A consumer that breaks out of the loop early must not leave the stream open on the server.
          closed = true;
          call.cancel();
        }
      },
    };
  }

  /** Streams a container's log through the apiserver (which proxies to the pod's agent). */
  async *logs(req: LogsRequest): AsyncIterable<LogChunk> {
    const call = this.raw.logs(req);
    try {
      for await (const chunk of call as AsyncIterable<LogChunk>) yield chunk;
    } catch (err) {
      throw fromGrpcError(err);
    }
  }

  /** A bidirectional exec stream: write ExecInput (first the start message), read ExecOutput. */
  exec(): grpc.ClientDuplexStream<ExecInput, ExecOutput> {
    return this.raw.exec();
  }
}
