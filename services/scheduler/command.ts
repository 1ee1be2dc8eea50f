import type { Command } from 'commander';
import { createLogger } from '../../lib/log';
import { CONTROLLER_MEMORY, applyMemoryFlags, leaderElectedOptions, runLeaderElected, withLeaderFlags, withMemoryFlags, type LeaderFlags, type MemoryFlags } from '../../lib/controller';
import { Scheduler } from './scheduler';

/** Registers this component's subcommands on the berth program. */
export function register(program: Command): void {
  withMemoryFlags(
    withLeaderFlags(program.command('scheduler').description('run the scheduler (leader-elected through the lease berth-system/berth-scheduler)')).option(
      '--batch-size <n>',
      'binds per BindMany call',
      Number,
      256,
    ),
    CONTROLLER_MEMORY,
  )
    .action(async (o: MemoryFlags & LeaderFlags & { batchSize: number }) => {
      applyMemoryFlags(o);
      const log = createLogger({ component: 'scheduler', id: o.id });
      await runLeaderElected(
        leaderElectedOptions(o, 'berth-scheduler', log),
        (client, writer, nats) => new Scheduler({ client, writer, nats, log, batchSize: o.batchSize }),
      );
    });
}
