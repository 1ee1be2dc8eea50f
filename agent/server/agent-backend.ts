import * as fs from 'node:fs';
import type { Pod } from '../../lib/api';
import { BadRequestError, NotFoundError } from '../../lib/errors';
import { parseLog, previousLogPath, tailRecords, followLog, type LogRecord } from '../runtime/container-log';
import type { ExecHandle, ExecOptions } from '../runtime/container-runtime';

/** A container addressed as the API does: namespace, pod name, container ("" = the pod's first). */
export interface ContainerRef {
  namespace: string;
  pod: string;
  container: string;
}

export interface LogQuery {
  /** Last N lines; undefined for all. */
  tail?: number;
  previous: boolean;
  /** Keep streaming appended lines until the instance stops or the caller aborts. */
  follow: boolean;
}

/** What the agent's gRPC service serves (STYLE 6: the server is a thin adapter over this). */
export interface AgentBackend {
  /** Calls onRecord per log line; resolves when done. NotFoundError for an unknown pod/container. */
  logs(ref: ContainerRef, query: LogQuery, onRecord: (r: LogRecord) => void, signal: AbortSignal): Promise<void>;
  exec(ref: ContainerRef, command: string[], opts: ExecOptions): Promise<ExecHandle>;
}

/** The parts of the pod host the backend reads. */
export interface ContainerFiles {
  logPath(uid: string, container: string): string;
  isRunning(uid: string, container: string): Promise<boolean>;
  exec(pod: Pod, container: string, command: string[], opts: ExecOptions): ExecHandle;
}

export interface HostBackendOptions {
  host: ContainerFiles;
  /** The pod as the agent knows it (its informer, or the API). */
  findPod(namespace: string, name: string): Promise<Pod | undefined>;
  /** How often a follower looks for new lines and whether the instance still runs. */
  followIntervalMs?: number;
}

/** Reads a log file once; returns its records and the byte offset a follower continues from. */
function readFrom(file: string): { records: LogRecord[]; offset: number } {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch {
    return { records: [], offset: 0 };
  }
  // Only whole lines: a line being written continues in the follower.
  const end = buf.lastIndexOf(0x0a) + 1;
  return { records: parseLog(buf.subarray(0, end).toString('utf8')), offset: end };
}

export class HostAgentBackend implements AgentBackend {
  constructor(private readonly o: HostBackendOptions) {}

  async logs(ref: ContainerRef, q: LogQuery, onRecord: (r: LogRecord) => void, signal: AbortSignal): Promise<void> {
    const { pod, container } = await this.resolve(ref);
    const uid = pod.metadata!.uid;
    const file = this.o.host.logPath(uid, container);
    if (q.previous) {
      const prev = previousLogPath(file);
      if (!fs.existsSync(prev)) throw new NotFoundError(`previous terminated container "${container}" in pod "${ref.pod}" not found`);
      for (const r of tailRecords(readFrom(prev).records, q.tail)) onRecord(r);
      return;
    }
    const first = readFrom(file);
    for (const r of tailRecords(first.records, q.tail)) onRecord(r);
    if (!q.follow) return;
    await this.follow(uid, container, file, first.offset, onRecord, signal);
  }

  async exec(ref: ContainerRef, command: string[], opts: ExecOptions): Promise<ExecHandle> {
    if (command.length === 0) throw new BadRequestError('exec needs a command');
    const { pod, container } = await this.resolve(ref);
    return this.o.host.exec(pod, container, command, opts);
  }

  private follow(uid: string, container: string, file: string, offset: number, onRecord: (r: LogRecord) => void, signal: AbortSignal): Promise<void> {
    const interval = this.o.followIntervalMs ?? 250;
    return new Promise<void>((resolve) => {
      const follower = followLog(file, onRecord, { fromOffset: offset, intervalMs: interval });
      let timer: NodeJS.Timeout | undefined;
      const finish = (): void => {
        clearTimeout(timer);
        follower.stop();
        signal.removeEventListener('abort', finish);
        resolve();
      };
      signal.addEventListener('abort', finish);
      // kubectl logs -f ends when the container does: check, and give the follower one more
      // round to read the last lines before ending.
      const check = (): void => {
        void this.o.host.isRunning(uid, container).then(
          (running) => {
            if (signal.aborted) return;
            timer = setTimeout(running ? check : finish, running ? interval * 4 : interval * 2);
          },
          () => finish(),
        );
      };
      check();
    });
  }

  private async resolve(ref: ContainerRef): Promise<{ pod: Pod; container: string }> {
    const ns = ref.namespace || 'default';
    const pod = await this.o.findPod(ns, ref.pod);
    if (!pod?.metadata?.uid) throw new NotFoundError(`pod ${ns}/${ref.pod} is not on this node`);
    const names = (pod.spec?.containers ?? []).map((c) => c.name);
    const container = ref.container || names[0];
    if (!container || !names.includes(container)) {
      throw new NotFoundError(`container "${ref.container}" is not in pod ${ns}/${ref.pod} (containers: ${names.join(', ') || 'none'})`);
    }
    return { pod, container };
  }
}

