#!/usr/bin/env node
// The one berth entry point: the only module that imports cli, services and agent.
import { Command } from 'commander';
import { register as registerCli } from '../cli/command';
import { register as registerApiserver } from '../services/apiserver/command';
import { register as registerScheduler } from '../services/scheduler/command';
import { register as registerControllers } from '../services/controllers/command';
import { register as registerAgent } from '../agent/command';
import { BERTH_VERSION } from '../lib/version';

const program = new Command('berth')
  .description('berth: a small Kubernetes-style container orchestrator')
  .version(BERTH_VERSION, '--client-version', 'print the client version and exit')
  .showHelpAfterError('(run with --help for usage)');

registerCli(program);
registerApiserver(program);
registerScheduler(program);
registerControllers(program);
registerAgent(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
