import type { Command } from 'commander';
import type { Logger } from '../log';
import type { LeaderElectedOptions } from './leader-elected';

/** The flags of a leader-elected control-plane command (scheduler, controller-manager). */
export interface LeaderFlags {
  apiserver: string;
  nats?: string;
  id?: string;
  leaseDuration: number;
  renewDeadline: number;
  retryPeriod: number;
}

/** Adds the apiserver, NATS and leader-election flags, with client-go's default timings. */
export function withLeaderFlags(cmd: Command): Command {
  return cmd
    .requiredOption('--apiserver <addr>', 'apiserver address host:port')
    .option('--nats <url>', 'NATS URL for change notices')
    .option('--id <identity>', 'leader-election identity (default host-pid)')
    .option('--lease-duration <s>', 'lease duration, seconds', Number, 15)
    .option('--renew-deadline <s>', 'renew deadline, seconds', Number, 10)
    .option('--retry-period <s>', 'retry period, seconds', Number, 2);
}

/** runLeaderElected's options for the lease `lease`, from the flags. */
export function leaderElectedOptions(o: LeaderFlags, lease: string, log: Logger): LeaderElectedOptions {
  return { apiserver: o.apiserver, nats: o.nats, identity: o.id, lease, leaseDurationMs: o.leaseDuration * 1000, renewDeadlineMs: o.renewDeadline * 1000, retryPeriodMs: o.retryPeriod * 1000, log };
}
