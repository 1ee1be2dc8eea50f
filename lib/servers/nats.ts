import { freePort, startProcess, tailFile, waitForTcp, type ManagedProcess } from './process';

export interface NatsOptions {
  host?: string;
  port?: number;
  logFile: string;
}

export interface RunningNats {
  url: string;
  host: string;
  port: number;
  /** The current process (replaced by restart()). */
  process: ManagedProcess;
  stop(): Promise<void>;
  /** Starts nats-server again on the same port (after stop(), for outage tests). */
  restart(): Promise<void>;
}

async function launch(host: string, port: number, logFile: string): Promise<ManagedProcess> {
  const proc = startProcess('nats-server', ['-a', host, '-p', String(port)], { logFile });
  try {
    await waitForTcp(host, port, 15_000);
  } catch (err) {
    await proc.stop();
    throw new Error(`nats-server did not start: ${tailFile(logFile)}`, { cause: err });
  }
  return proc;
}

/** Starts nats-server on a loopback port; `restart()` brings it back on the same port. */
export async function startNats(opts: NatsOptions): Promise<RunningNats> {
  const host = opts.host ?? '127.0.0.1';
  const port = opts.port ?? (await freePort(host));
  const running: RunningNats = {
    url: `nats://${host}:${port}`,
    host,
    port,
    process: await launch(host, port, opts.logFile),
    stop: () => running.process.stop(),
    restart: async () => {
      await running.process.stop();
      running.process = await launch(host, port, opts.logFile);
    },
  };
  return running;
}
