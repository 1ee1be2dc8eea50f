import * as grpc from '@grpc/grpc-js';
import type { Readable } from 'node:stream';
import { AgentService, type AgentServer } from '../../proto/gen/berth/v1/api';
import { ExecOutput, LogChunk, type ExecInput, type ExecStart } from '../../lib/api/types';
import { toGrpcStatus } from '../../lib/api/grpc-status';
import { BadRequestError, errorMessage } from '../../lib/errors';
import type { Logger } from '../../lib/log';
import type { LogRecord } from '../runtime/container-log';
import type { ExecHandle } from '../runtime/container-runtime';
import type { AgentBackend } from './agent-backend';

/** One log line as the API streams it: "<time> " when timestamps are asked for, then the line. */
export function logChunk(r: LogRecord, timestamps: boolean): LogChunk {
  return LogChunk.fromPartial({ data: Buffer.from(`${timestamps ? `${r.time} ` : ''}${r.content}\n`), stream: r.stream });
}

function fail(call: { emit(event: 'error', status: Partial<grpc.StatusObject>): boolean }, err: unknown): void {
  call.emit('error', toGrpcStatus(err));
}

function ended(stream: Readable): Promise<void> {
  return new Promise((resolve) => {
    if (stream.readableEnded || stream.destroyed) return resolve();
    stream.once('end', resolve);
    stream.once('close', resolve);
    stream.once('error', () => resolve());
  });
}

/**
 * The agent's gRPC service (proto Agent: Logs and Exec), a thin adapter over AgentBackend:
 * it turns requests into backend calls, records and process output into stream messages, and
 * typed errors into gRPC statuses.
 */
export function agentService(backend: AgentBackend, log: Logger): AgentServer {
  return {
    logs: (call) => {
      const req = call.request;
      const ac = new AbortController();
      call.on('cancelled', () => ac.abort());
      backend
        .logs(
          { namespace: req.namespace, pod: req.pod, container: req.container },
          { tail: req.tailLines < 0 ? undefined : req.tailLines, previous: req.previous, follow: req.follow },
          (r) => {
            if (!ac.signal.aborted) call.write(logChunk(r, req.timestamps));
          },
          ac.signal,
        )
        .then(
          () => call.end(),
          (err: unknown) => fail(call, err),
        );
    },

    exec: (call) => {
      let started = false;
      let handle: ExecHandle | undefined;
      let setHandle: (h: ExecHandle) => void = () => undefined;
      // stdin frames and EOF wait for the process in arrival order (promise callbacks run in order).
      const ready = new Promise<ExecHandle>((resolve) => (setHandle = resolve));
      const begin = (start: ExecStart): void => {
        backend
          .exec({ namespace: start.namespace, pod: start.pod, container: start.container }, start.command, { tty: start.tty, stdin: start.stdin })
          .then(async (h) => {
            handle = h;
            setHandle(h);
            h.stdout.on('data', (d: Buffer) => call.write(ExecOutput.fromPartial({ stdout: d })));
            h.stderr.on('data', (d: Buffer) => call.write(ExecOutput.fromPartial({ stderr: d })));
            const [code] = await Promise.all([h.exitCode, ended(h.stdout), ended(h.stderr)]);
            call.write(ExecOutput.fromPartial({ exitCode: code }));
            call.end();
          })
          .catch((err: unknown) => {
            log.debug({ err: errorMessage(err) }, 'exec failed');
            fail(call, err);
          });
      };
      const closeStdin = (): void => void ready.then((h) => h.stdin?.end());
      call.on('data', (m: ExecInput) => {
        if (!started) {
          started = true;
          if (!m.start) fail(call, new BadRequestError('the first exec message must carry start'));
          else begin(m.start);
          return;
        }
        if (m.stdin.length > 0) void ready.then((h) => h.stdin?.write(m.stdin));
        if (m.stdinEof) closeStdin();
      });
      call.on('end', closeStdin);
      call.on('cancelled', () => handle?.kill('SIGKILL'));
    },
  };
}

export interface AgentServerHandle {
  /** host:port actually bound (the port resolved when --listen asked for 0). */
  address: string;
  stop(): Promise<void>;
}

/** Serves the Agent service on `listen` ("host:port"). */
export async function startAgentServer(listen: string, backend: AgentBackend, log: Logger): Promise<AgentServerHandle> {
  const server = new grpc.Server();
  server.addService(AgentService, agentService(backend, log.child({ component: 'agent-server' })));
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(listen, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  const host = listen.slice(0, listen.lastIndexOf(':'));
  const address = `${host}:${port}`;
  log.info({ address }, 'agent gRPC server listening');
  return {
    address,
    stop: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
        // Followed log streams never end on their own: cut them after a moment.
        setTimeout(() => server.forceShutdown(), 2000).unref();
      }),
  };
}
