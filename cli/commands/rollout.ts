import type { Command } from 'commander';
import { registerRolloutEdits } from './rollout-edits';
import { registerRolloutHistory } from './rollout-history';
import { registerRolloutStatus } from './rollout-status';
import { registerRolloutUndo } from './rollout-undo';

export function registerRollout(program: Command): void {
  const rollout = program.command('rollout').description('manage the rollout of a deployment: status, history, undo, pause, resume, restart');
  registerRolloutStatus(rollout);
  registerRolloutHistory(rollout);
  registerRolloutUndo(rollout);
  registerRolloutEdits(rollout);
}
