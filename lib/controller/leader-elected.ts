import { connect, type NatsConnection } from 'nats';
import { hostname } from 'node:os';
import { ApiClient } from '../api';
import { LeaderElector } from './leader-elector';
import { leaderGuardedClient } from './leader-guard';
import { errorMessage } from '../errors';
import type { Logger } from '../log';

export interface LeaderElectedOptions {
  apiserver: string;
  nats?: string;
  identity?: string;
  lease: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  log: Logger;
}

/** Connects to NATS if given; a component keeps working (slower) without it. */
export async function connectNats(url: string | undefined, log: Logger): Promise<NatsConnection | undefined> {
  if (!url) return undefined;
  try {
    return await connect({ servers: url, maxReconnectAttempts: -1, waitOnFirstConnect: true, timeout: 5000 });
  } catch (err) {
    log.warn({ err: errorMessage(err) }, 'NATS unavailable; relying on watches alone');
    return undefined;
  }
}

export function defaultIdentity(): string {
  return `${hostname()}-${process.pid}`;
}

/** A leader-elected component: `start()` warms its caches, `run` acts while leading, `stop()` drops it. */
export interface LeaderElectedComponent {
  start(): void;
  run(signal: AbortSignal): Promise<void>;
  stop(): void;
}

/**
 * Runs a component while this process holds the lease. It gets a reader client, a
 * leader-guarded writer and an abort signal. When leadership is lost (a renew deadline missed
 * under load, a pause), the component is stopped and dropped, a fresh one is made, and the
 * process campaigns again as a standby: the same as the restart a Kubernetes deployment would
 * do, without needing a supervisor. Nothing of the old component survives (its queues,
 * assumptions and expectations were made as a leader); the new one acts only after its caches
 * have synced. SIGTERM/SIGINT release the lease and end the process.
 */
export async function runLeaderElected(opts: LeaderElectedOptions, prepare: (client: ApiClient, writer: ApiClient, nats: NatsConnection | undefined) => LeaderElectedComponent): Promise<void> {
  const client = new ApiClient(opts.apiserver);
  const nats = await connectNats(opts.nats, opts.log);
  const elector = new LeaderElector({
    client,
    name: opts.lease,
    identity: opts.identity ?? defaultIdentity(),
    log: opts.log,
    leaseDurationMs: opts.leaseDurationMs,
    renewDeadlineMs: opts.renewDeadlineMs,
    retryPeriodMs: opts.retryPeriodMs,
  });
  const writer = leaderGuardedClient(client, elector);
  let stopping = false;
  const stop = (): void => {
    stopping = true;
    elector.stop();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  for (;;) {
    const component = prepare(client, writer, nats);
    component.start();
    let work: Promise<void> | undefined;
    await elector.run((signal) => {
      work = component.run(signal).catch((err: unknown) => opts.log.error({ err: errorMessage(err) }, 'component failed'));
    });
    component.stop();
    await work;
    if (stopping) break;
    opts.log.warn('leadership lost; campaigning again with fresh caches');
  }
  opts.log.info('stopped; exiting');
  process.exit(0);
}
