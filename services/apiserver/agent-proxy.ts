import * as grpc from '@grpc/grpc-js';
import { AgentClient } from '../../proto/gen/berth/v1/api';
import type { ExecInput, ExecOutput, LogChunk, LogsRequest } from '../../lib/api/types';
import { NotFoundError, UnavailableError } from '../../lib/errors';
import { fromGrpcError } from '../../lib/api/grpc-status';
import type { Store } from './store';

// `berth logs` and `berth exec` go CLI → apiserver → the pod's agent: the apiserver finds
// the agent from the pod's node and pipes the streams.

/** host:port of the agent running a pod, or a typed error saying why there is none. */
export async function agentEndpointFor(store: Store, namespace: string, podName: string): Promise<string> {
  const pod = await store.get('pods', namespace, podName);
  const nodeName = pod.spec?.nodeName;
  if (!nodeName) throw new NotFoundError(`pod ${namespace || 'default'}/${podName} is not bound to a node yet: no logs or exec until it is scheduled`);
  let node;
  try {
    node = await store.get('nodes', '', nodeName);
  } catch (err) {
    if (err instanceof NotFoundError) throw new NotFoundError(`node ${nodeName} of pod ${namespace}/${podName} is not registered`, { cause: err });
    throw err;
  }
  const endpoint = node.status?.daemonEndpoints?.agentEndpoint;
  if (!endpoint) throw new UnavailableError(`the agent of node ${nodeName} has not published its endpoint (status.daemonEndpoints.agentEndpoint)`);
  return endpoint;
}

export class AgentDialer {
  private readonly clients = new Map<string, AgentClient>();

  client(endpoint: string): AgentClient {
    let c = this.clients.get(endpoint);
    if (!c) {
      c = new AgentClient(endpoint, grpc.credentials.createInsecure());
      this.clients.set(endpoint, c);
    }
    return c;
  }

  close(): void {
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
  }
}

function unreachable(endpoint: string, err: unknown): Error {
  const e = fromGrpcError(err);
  if ((err as grpc.ServiceError).code === grpc.status.UNAVAILABLE) return new UnavailableError(`the pod's agent at ${endpoint} is unreachable: ${e.message}`, { cause: err });
  return e;
}

/** Pipes an agent's log stream into `write`; resolves when it ends. */
export function proxyLogs(dialer: AgentDialer, endpoint: string, req: LogsRequest, out: grpc.ServerWritableStream<LogsRequest, LogChunk>): Promise<void> {
  return new Promise((resolve, reject) => {
    const call = dialer.client(endpoint).logs(req, { deadline: Infinity });
    out.on('cancelled', () => call.cancel());
    call.on('data', (c: LogChunk) => out.write(c));
    call.on('error', (err) => reject(unreachable(endpoint, err)));
    call.on('end', () => resolve());
  });
}

/** Pipes an exec session both ways; `first` is the already-read start message. */
export function proxyExec(dialer: AgentDialer, endpoint: string, first: ExecInput, inbound: grpc.ServerDuplexStream<ExecInput, ExecOutput>): Promise<void> {
  return new Promise((resolve, reject) => {
    const call = dialer.client(endpoint).exec();
    call.write(first);
    inbound.on('data', (m: ExecInput) => call.write(m));
    inbound.on('end', () => call.end());
    inbound.on('cancelled', () => call.cancel());
    call.on('data', (m: ExecOutput) => inbound.write(m));
    call.on('error', (err) => reject(unreachable(endpoint, err)));
    call.on('end', () => resolve());
  });
}
