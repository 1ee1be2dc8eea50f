import type { Command } from 'commander';
import { registerApply } from './commands/apply';
import { registerConfig } from './commands/config';
import { registerDelete } from './commands/delete';
import { registerDescribe } from './commands/describe';
import { registerGet } from './commands/get';
import { registerVersion } from './commands/version';

// One file per user command under commands/; logs, exec, rollout, scale, set image and
// cordon/drain join this list as they are written.
const COMMANDS = [registerApply, registerGet, registerDescribe, registerDelete, registerVersion, registerConfig];

/** Registers the user commands on the berth program. */
export function register(program: Command): void {
  for (const r of COMMANDS) r(program);
}
