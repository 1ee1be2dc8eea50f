import type { Command } from 'commander';
import { register as registerCli } from '../cli/command';
import { register as registerApiserver } from '../services/apiserver/command';
import { register as registerScheduler } from '../services/scheduler/command';
import { register as registerControllers } from '../services/controllers/command';
import { register as registerAgent } from '../agent/command';
import { rootCommand } from './root-command';

/** berth's whole command tree: the entry point runs it; the chart test parses rendered command lines with it. */
export function buildProgram(): Command {
  const program = rootCommand();
  for (const register of [registerCli, registerApiserver, registerScheduler, registerControllers, registerAgent]) register(program);
  return program;
}
