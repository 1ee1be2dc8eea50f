import type { Command } from 'commander';
import { registerApply } from './commands/apply';
import { registerConfig } from './commands/config';
import { registerCordon } from './commands/cordon';
import { registerDelete } from './commands/delete';
import { registerDescribe } from './commands/describe';
import { registerDrain } from './commands/drain';
import { registerExec } from './commands/exec';
import { registerGet } from './commands/get';
import { registerLogs } from './commands/logs';
import { registerRollout } from './commands/rollout';
import { registerScale } from './commands/scale';
import { registerSet } from './commands/set-image';
import { registerVersion } from './commands/version';
import { registerDevCommands } from './dev/dev-command';

// One file per user command under commands/.
const COMMANDS = [
  registerApply,
  registerGet,
  registerDescribe,
  registerDelete,
  registerLogs,
  registerExec,
  registerRollout,
  registerSet,
  registerScale,
  registerCordon,
  registerDrain,
  registerVersion,
  registerConfig,
  registerDevCommands,
];

/** Registers the user commands on the berth program. */
export function register(program: Command): void {
  for (const r of COMMANDS) r(program);
}
