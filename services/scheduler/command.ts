import type { Command } from 'commander';
import { createLogger } from '../../lib/log';
import {
  CONTROLLER_HEAP_GROWING_PERCENT,
  CONTROLLER_YOUNG_GENERATION_MB,
  HEAP_GROWING_FLAG,
  HEAP_GROWING_HELP,
  YOUNG_GENERATION_FLAG,
  YOUNG_GENERATION_HELP,
  capYoungGeneration,
  runLeaderElected,
  setHeapGrowingPercent,
} from '../../lib/controller';
import { Scheduler } from './scheduler';

/** Registers this component's subcommands on the berth program. */
export function register(program: Command): void {
  program
    .command('scheduler')
    .description('run the scheduler (leader-elected through the lease berth-system/berth-scheduler)')
    .requiredOption('--apiserver <addr>', 'apiserver address host:port')
    .option('--nats <url>', 'NATS URL for change notices')
    .option('--id <identity>', 'leader-election identity (default host-pid)')
    .option('--lease-duration <s>', 'lease duration, seconds', Number, 15)
    .option('--renew-deadline <s>', 'renew deadline, seconds', Number, 10)
    .option('--retry-period <s>', 'retry period, seconds', Number, 2)
    .option('--batch-size <n>', 'binds per BindMany call', Number, 256)
    .option(HEAP_GROWING_FLAG, HEAP_GROWING_HELP, Number, CONTROLLER_HEAP_GROWING_PERCENT)
    .option(YOUNG_GENERATION_FLAG, YOUNG_GENERATION_HELP, Number, CONTROLLER_YOUNG_GENERATION_MB)
    .action(async (o: { apiserver: string; nats?: string; id?: string; leaseDuration: number; renewDeadline: number; retryPeriod: number; batchSize: number; heapGrowingPercent: number; youngGenerationMb: number }) => {
      setHeapGrowingPercent(o.heapGrowingPercent);
      capYoungGeneration(o.youngGenerationMb);
      const log = createLogger({ component: 'scheduler', id: o.id });
      await runLeaderElected(
        { apiserver: o.apiserver, nats: o.nats, identity: o.id, lease: 'berth-scheduler', leaseDurationMs: o.leaseDuration * 1000, renewDeadlineMs: o.renewDeadline * 1000, retryPeriodMs: o.retryPeriod * 1000, log },
        (client, writer, nats) => new Scheduler({ client, writer, nats, log, batchSize: o.batchSize }),
      );
    });
}
