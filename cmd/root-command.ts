import { Command } from 'commander';
import { BERTH_VERSION } from '../lib/version';

/** The `berth` command itself, before any subcommand is registered. */
export function rootCommand(): Command {
  return new Command('berth')
    .description('berth: a small Kubernetes-style container orchestrator')
    .version(BERTH_VERSION, '--client-version', 'print the client version and exit')
    .showHelpAfterError('(run with --help for usage)');
}
