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

/**
 * Runs `body` while this process holds the lease. The body gets a reader client, a
 * leader-guarded writer and an abort signal; when leadership is lost the process exits
 * (a restarted process rejoins as a standby), so no stale leader lingers.
 */
export async function runLeaderElected(
  opts: LeaderElectedOptions,
  prepare: (client: ApiClient, writer: ApiClient, nats: NatsConnection | undefined) => { start(): void; run(signal: AbortSignal): Promise<void> },
): Promise<void> {
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
  const component = prepare(client, leaderGuardedClient(client, elector), nats);
  component.start();
  const stop = (): void => elector.stop();
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  let work: Promise<void> | undefined;
  await elector.run((signal) => {
    work = component.run(signal).catch((err: unknown) => opts.log.error({ err: errorMessage(err) }, 'component failed'));
  });
  opts.log.warn('leadership ended; exiting');
  process.exit(work ? 1 : 0);
}
