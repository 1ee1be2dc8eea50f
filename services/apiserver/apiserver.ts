import * as grpc from '@grpc/grpc-js';
import { Etcd3 } from 'etcd3';
import { noop } from 'cockatiel';
import { errorMessage } from '../../lib/errors';
import { createLogger, type Logger } from '../../lib/log';
import { AgentDialer } from './agent-proxy';
import { apiService } from './grpc-service';
import { createMetrics, serveMetrics, type ApiserverMetrics } from './metrics';
import { NatsNotifier } from './notifier';
import { Store } from './store';
import { withPreEncodedWatch } from './watch-encoding';
import { API_SERVICE } from '../../lib/api/proto-writer';

export interface ApiserverOptions {
  /** etcd client URL(s), comma-separated. */
  etcd: string;
  nats: string;
  /** host:port to serve gRPC on (port 0: any free port). */
  listen: string;
  /** host:port for GET /metrics; none when absent. */
  metricsListen?: string;
  logger?: Logger;
  watchCacheSize?: number;
  bookmarkIntervalMs?: number;
  /** A watcher with more events than this queued and not draining for watchStallMs is cut off (10,000; 10 s). */
  maxWatchBacklog?: number;
  watchStallMs?: number;
}

export interface RunningApiserver {
  /** host:port the gRPC server listens on. */
  address: string;
  metricsAddress?: string;
  store: Store;
  metrics: ApiserverMetrics;
  /** Settles once every kind's watch cache runs (or failed to start: the first watch retries). */
  watchCachesStarted: Promise<void>;
  stop(): Promise<void>;
}

function splitHostPort(addr: string): { host: string; port: number } {
  const i = addr.lastIndexOf(':');
  if (i < 0) throw new Error(`"${addr}" is not host:port`);
  return { host: addr.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(addr.slice(i + 1)) };
}

/** Starts the apiserver in this process (the `berth apiserver` command, tests and benchmarks). */
export async function startApiserver(opts: ApiserverOptions): Promise<RunningApiserver> {
  const log = (opts.logger ?? createLogger()).child({ component: 'apiserver' });
  const client = new Etcd3({
    hosts: opts.etcd.split(','),
    grpcOptions: { 'grpc.max_receive_message_length': 256 * 1024 * 1024, 'grpc.max_send_message_length': 256 * 1024 * 1024 },
    // The etcd3 client's default per-host circuit breaker counts cancelled calls (closed watch
    // streams) as failures and then refuses every request for 5 s: with one etcd that turns a
    // client going away into an apiserver outage. Calls still retry (the client's global policy).
    faultHandling: { host: () => noop },
  });
  const metrics = createMetrics();
  const notifier = new NatsNotifier(opts.nats, metrics.noticesDropped, log.child({ part: 'nats' }));
  const store = new Store({ client, notifier, log, watchCacheSize: opts.watchCacheSize, bookmarkIntervalMs: opts.bookmarkIntervalMs });
  // Lazily started again by the first watch of a kind if etcd is not reachable yet.
  const watchCachesStarted = store.startWatchCaches().catch((err: unknown) => log.warn({ err: errorMessage(err) }, 'watch caches not started yet; the first watch of each kind retries'));
  const dialer = new AgentDialer();
  const server = new grpc.Server({ 'grpc.max_receive_message_length': 16 * 1024 * 1024 });
  server.addService(withPreEncodedWatch(API_SERVICE), apiService(store, dialer, log, { maxWatchBacklog: opts.maxWatchBacklog, watchStallMs: opts.watchStallMs, watchersCutOff: metrics.watchersCutOff }));
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(opts.listen, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  const { host } = splitHostPort(opts.listen);
  const metricsServer = opts.metricsListen ? await serveMetrics(metrics.registry, splitHostPort(opts.metricsListen).host, splitHostPort(opts.metricsListen).port) : undefined;
  const address = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  log.info({ address, metrics: metricsServer?.address, etcd: opts.etcd, nats: opts.nats }, 'apiserver serving');
  return {
    address,
    metricsAddress: metricsServer?.address,
    store,
    metrics,
    watchCachesStarted,
    async stop() {
      store.close();
      server.forceShutdown();
      dialer.close();
      await metricsServer?.close();
      await notifier.close();
      client.close();
    },
  };
}
