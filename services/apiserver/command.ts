import type { Command } from 'commander';
import { applyMemoryFlags, withMemoryFlags, type MemoryFlags } from '../../lib/controller/memory-flags';
import { createLogger } from '../../lib/log';
import { startApiserver } from './apiserver';

/** Registers this component's subcommands on the berth program. */
export function register(program: Command): void {
  withMemoryFlags(
    program
      .command('apiserver')
      .description('serve the berth API (gRPC) on etcd, publishing change notices to NATS')
      .requiredOption('--etcd <urls>', 'etcd client URL(s), comma-separated', process.env.BERTH_ETCD)
      .requiredOption('--nats <url>', 'NATS server URL', process.env.BERTH_NATS)
      .option('--listen <addr>', 'host:port for the gRPC API', '127.0.0.1:7443')
      .option('--metrics-listen <addr>', 'host:port for GET /metrics'),
    { heapGrowingPercent: 100, youngGenerationMb: 0 },
  )
    .action(async (o: MemoryFlags & { etcd: string; nats: string; listen: string; metricsListen?: string }) => {
      // The apiserver allocates fast and keeps little (a live heap of about 45 MB at 30,000 pods):
      // at 25 % its full GCs cost 12 CPU-s more per 30,000 pods (53 → 63 s to Running), at V8's
      // default its RSS was 316 MB; 100 % gave 236 MB and 49 s (bench/RESULTS.md, session 4).
      applyMemoryFlags(o);
      const logger = createLogger();
      const running = await startApiserver({ etcd: o.etcd, nats: o.nats, listen: o.listen, metricsListen: o.metricsListen, logger });
      const shutdown = (): void => {
        void running.stop().finally(() => process.exit(0));
      };
      process.once('SIGTERM', shutdown);
      process.once('SIGINT', shutdown);
    });
}
