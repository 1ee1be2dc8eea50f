import * as grpc from '@grpc/grpc-js';
import type { ApiServer, ManyResponse, ObjectResult } from '../../proto/gen/berth/v1/api';
import { toGrpcStatus } from '../../lib/api/grpc-status';
import { kindOf, unwrap, wrap, type AnyObject, type KindName } from '../../lib/api/kinds';
import type { ApiObject, ExecInput } from '../../lib/api/types';
import { BadRequestError, InvalidError, UnavailableError } from '../../lib/errors';
import type { Logger } from '../../lib/log';
import { BERTH_VERSION } from '../../lib/version';
import { agentEndpointFor, proxyExec, proxyLogs, type AgentDialer } from './agent-proxy';
import { parseKind, type Store } from './store';
import { encodeWatchEvent } from './watch-encoding';
import { WatchOutbox, type WatchStreamLike } from './watch-outbox';


// The thin gRPC adapter (STYLE.md 6): decode the request, call the Store, map typed errors
// to gRPC statuses. No decisions here.

function objectOf(obj: ApiObject | undefined): { kind: KindName; object: ReturnType<typeof unwrap> } {
  if (!obj) throw new BadRequestError('request has no object');
  let kind: KindName;
  try {
    kind = kindOf(obj);
  } catch (err) {
    throw new BadRequestError('the object holds no kind (set exactly one of pod, deployment, ...)', { cause: err });
  }
  return { kind, object: unwrap(kind, obj) };
}

/** Objects one CreateMany / UpdateMany / UpdateStatusMany call may carry. */
export const MAX_MANY_OBJECTS = 500;

function failedResult(err: unknown): ObjectResult {
  const st = toGrpcStatus(err);
  return { object: undefined, error: st.details, code: st.code, fieldErrors: err instanceof InvalidError ? err.fieldErrors : [] };
}

/**
 * Writes each object on its own: the writes run concurrently, so group commit puts them in
 * shared etcd txns, and one object's failure is its own result.
 */
async function writeMany(objects: ApiObject[], write: (kind: KindName, object: AnyObject) => Promise<AnyObject>): Promise<ManyResponse> {
  if (objects.length > MAX_MANY_OBJECTS) throw new BadRequestError(`at most ${MAX_MANY_OBJECTS} objects per call; got ${objects.length}: split the batch`);
  const results = await Promise.all(
    objects.map(async (o): Promise<ObjectResult> => {
      try {
        const { kind, object } = objectOf(o);
        return { object: wrap(kind, await write(kind, object)), error: '', code: 0, fieldErrors: [] };
      } catch (err) {
        return failedResult(err);
      }
    }),
  );
  return { results };
}

function unary<Req, Res>(log: Logger, method: string, fn: (req: Req) => Promise<Res>): grpc.handleUnaryCall<Req, Res> {
  return (call, cb) => {
    fn(call.request).then(
      (res) => cb(null, res),
      (err: unknown) => {
        const st = toGrpcStatus(err);
        if (st.code === grpc.status.INTERNAL) log.error({ err, method }, 'internal error');
        cb(st as grpc.ServiceError);
      },
    );
  };
}

/** Ends a server stream with the typed error's gRPC status (grpc-js: emit 'error' with a status). */
function failStream(call: { emit(event: 'error', status: Partial<grpc.StatusObject>): boolean }, err: unknown): void {
  call.emit('error', toGrpcStatus(err));
}

export function apiService(store: Store, dialer: AgentDialer, log: Logger, opts: { maxWatchBacklog?: number; watchStallMs?: number; watchersCutOff?: { inc(): void } } = {}): ApiServer {
  const maxWatchBacklog = opts.maxWatchBacklog ?? 10_000;
  const watchStallMs = opts.watchStallMs ?? 10_000;
  return {
    version: unary(log, 'Version', async () => ({ version: BERTH_VERSION, gitCommit: process.env.BERTH_GIT_COMMIT ?? '', etcdVersion: await store.etcdVersion() })),
    create: unary(log, 'Create', async (req) => {
      const { kind, object } = objectOf(req.object);
      return wrap(kind, await store.create(kind, object, req.dryRun));
    }),
    get: unary(log, 'Get', async (req) => {
      if (!req.key) throw new BadRequestError('request has no key');
      const kind = parseKind(req.key.kind);
      return wrap(kind, await store.get(kind, req.key.namespace, req.key.name));
    }),
    list: unary(log, 'List', async (req) => {
      const kind = parseKind(req.kind);
      const res = await store.list(kind, req);
      return { items: res.items.map((o) => wrap(kind, o)), resourceVersion: res.resourceVersion, continue: res.continue, remainingItemCount: res.remainingItemCount };
    }),
    update: unary(log, 'Update', async (req) => {
      const { kind, object } = objectOf(req.object);
      return wrap(kind, await store.update(kind, object));
    }),
    updateStatus: unary(log, 'UpdateStatus', async (req) => {
      const { kind, object } = objectOf(req.object);
      return wrap(kind, await store.updateStatus(kind, object));
    }),
    delete: unary(log, 'Delete', async (req) => {
      if (!req.key) throw new BadRequestError('request has no key');
      const kind = parseKind(req.key.kind);
      const res = await store.delete(kind, req.key.namespace, req.key.name, {
        gracePeriodSeconds: req.gracePeriodSeconds,
        propagationPolicy: req.propagationPolicy,
        force: req.force,
        preconditionUid: req.preconditionUid,
        preconditionResourceVersion: req.preconditionResourceVersion,
      });
      return { object: wrap(kind, res.object), removed: res.removed };
    }),
    bind: unary(log, 'Bind', (req) => store.bind(req.namespace, req.name, req.nodeName, req.uid)),
    bindMany: unary(log, 'BindMany', async (req) => {
      const outcomes = await store.bindMany(req.binds);
      return {
        results: outcomes.map((o) => {
          if (!o.error) return { pod: o.pod, error: '', code: 0 };
          const st = toGrpcStatus(o.error);
          return { pod: o.pod, error: st.details, code: st.code };
        }),
      };
    }),
    createMany: unary(log, 'CreateMany', (req) => writeMany(req.objects, (kind, object) => store.create(kind, object))),
    updateStatusMany: unary(log, 'UpdateStatusMany', (req) => writeMany(req.objects, (kind, object) => store.updateStatus(kind, object))),
    updateMany: unary(log, 'UpdateMany', (req) => writeMany(req.objects, (kind, object) => store.update(kind, object))),
    apply: unary(log, 'Apply', async (req) => {
      const results = await store.apply(req.objects.map(objectOf), req.dryRun);
      return { results: results.map((r) => ({ object: wrap(r.kind, r.object), action: r.action })), warnings: [] };
    }),
    watch: (call) => {
      const fail = (err: unknown): void => failStream(call, err);
      let kind: KindName;
      try {
        kind = parseKind(call.request.kind);
      } catch (err) {
        fail(err);
        return;
      }
      let stop: (() => void) | undefined;
      let cancelled = false;
      // A watcher that reads nothing would make the server buffer without bound: with a long
      // queue and no flush for watchStallMs it is cut off and resumes from its last
      // resourceVersion. A slow reader that keeps reading is served (the bytes are shared).
      const outbox = new WatchOutbox(call as unknown as WatchStreamLike, Date.now(), call.request.allowBatches);
      call.on('cancelled', () => {
        cancelled = true;
        stop?.();
      });
      store
        .watch(kind, call.request, {
          event: (type, object, resourceVersion, change) => {
            if (cancelled) return;
            const queued = outbox.queued;
            if (queued > maxWatchBacklog && outbox.stalledFor(Date.now()) > watchStallMs) {
              cancelled = true;
              stop?.();
              opts.watchersCutOff?.inc();
              log.warn({ kind, queued, peer: call.getPeer() }, 'watcher stopped reading; cut off (it resumes from its last resourceVersion)');
              fail(new UnavailableError(`watcher stopped reading with ${queued} events queued; resume the watch from the last resourceVersion received`));
              return;
            }
            // Pre-encoded bytes, shared by every watcher of the change (watch-encoding.ts).
            outbox.send(
              change && !object && type !== 'BOOKMARK'
                ? change.watchEvent(type, resourceVersion, () => encodeWatchEvent(kind, type, change.object, resourceVersion))
                : encodeWatchEvent(kind, type, object, resourceVersion),
            );
          },
          end: (err) => (err ? fail(err) : outbox.end()),
        })
        .then(
          (s) => (cancelled ? s() : (stop = s)),
          (err: unknown) => fail(err),
        );
    },
    logs: (call) => {
      agentEndpointFor(store, call.request.namespace, call.request.pod)
        .then((endpoint) => proxyLogs(dialer, endpoint, call.request, call))
        .then(
          () => call.end(),
          (err: unknown) => failStream(call, err),
        );
    },
    exec: (call) => {
      call.once('data', (first: ExecInput) => {
        call.pause();
        const start = first.start;
        if (!start) {
          failStream(call, new BadRequestError('the first exec message must carry start'));
          return;
        }
        agentEndpointFor(store, start.namespace, start.pod)
          .then((endpoint) => {
            const done = proxyExec(dialer, endpoint, first, call);
            call.resume();
            return done;
          })
          .then(
            () => call.end(),
            (err: unknown) => failStream(call, err),
          );
      });
    },
  };
}
