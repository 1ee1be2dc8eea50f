import type { Command } from 'commander';
import type { Deployment } from '../../lib/api/types';
import { DeadlineError, TooOldError } from '../../lib/errors';
import { withConnectionOptions, withSession, type Session } from '../connection';
import { action } from '../errors';
import { deploymentRolloutState, type RolloutState } from '../printers/rollout-status';
import { parseBool, parseDuration } from './flag-values';
import { oneObject } from './one-object';

interface StatusFlags {
  timeout: string;
  watch?: string | boolean;
  server?: string;
  namespace?: string;
}

/** The rollout failed (progress deadline exceeded, object deleted): the command exits non-zero. */
export class RolloutFailedError extends DeadlineError {}

/** Prints each new message; returns true once the rollout is over (done, or throws when failed). */
function report(state: RolloutState, last: { message: string }): boolean {
  if (state.kind === 'failed') throw new RolloutFailedError(state.message);
  if (state.message !== last.message) process.stdout.write(`${state.message}\n`);
  last.message = state.message;
  return state.kind === 'done';
}

/** Follows the Deployment until its rollout is done; re-reads and re-watches when a watch ends. */
async function follow(s: Session, namespace: string, name: string, timeoutMs: number): Promise<void> {
  const last = { message: '' };
  let timedOut = false;
  let stop = (): void => undefined;
  const timer = timeoutMs > 0 ? setTimeout(() => ((timedOut = true), stop()), timeoutMs) : undefined;
  try {
    while (!timedOut) {
      const d: Deployment = await s.client.get('deployments', namespace, name);
      if (report(deploymentRolloutState(d), last)) return;
      const stream = s.client.watch('deployments', { namespace, fieldSelector: `metadata.name=${name}`, resourceVersion: d.metadata?.resourceVersion });
      stop = () => stream.close();
      try {
        for await (const ev of stream) {
          if (ev.type === 'DELETED') throw new RolloutFailedError(`deployment "${name}" was deleted`);
          if (ev.object && report(deploymentRolloutState(ev.object), last)) return;
        }
      } catch (err) {
        if (!(err instanceof TooOldError)) throw err;
      } finally {
        stream.close();
      }
    }
    throw new DeadlineError('timed out waiting for the condition');
  } finally {
    if (timer) clearTimeout(timer);
  }
}

async function run(args: string[], flags: StatusFlags): Promise<void> {
  const ref = oneObject(args, ['deployments'], 'rollout status');
  const timeoutMs = parseDuration('--timeout', flags.timeout);
  const watch = parseBool('--watch', flags.watch);
  await withSession(flags, async (s) => {
    const namespace = s.target.namespace;
    if (watch) return follow(s, namespace, ref.name, timeoutMs);
    report(deploymentRolloutState(await s.client.get('deployments', namespace, ref.name)), { message: '' });
  });
}

export function registerRolloutStatus(rollout: Command): void {
  withConnectionOptions(
    rollout
      .command('status')
      .description('wait for a rollout to finish, printing its progress; fails when it exceeds its progress deadline')
      .argument('<deployment...>', 'deploy/NAME or deploy NAME')
      .option('--timeout <duration>', 'give up after this long (0: never)', '0')
      .option('-w, --watch [bool]', 'keep watching until the rollout finishes (-w=false: print the state once)'),
  ).action(action((args: string[], flags: StatusFlags) => run(args, flags)));
}
