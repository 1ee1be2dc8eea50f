import type { Command } from 'commander';
import { BadRequestError } from '../../lib/errors';
import { withConnectionOptions, withSession } from '../connection';
import { action } from '../errors';
import { resourceName } from '../printers/output';
import { oneObject } from './one-object';
import { updateWithRetry } from './update-object';

interface ScaleFlags {
  replicas: string;
  server?: string;
  namespace?: string;
}

/** Pure: --replicas as a count. */
export function replicaCount(text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n) || n < 0) throw new BadRequestError(`--replicas must be an integer >= 0, not "${text}"`);
  return n;
}

async function run(args: string[], flags: ScaleFlags): Promise<void> {
  const ref = oneObject(args, ['deployments', 'replicasets'], 'scale');
  const replicas = replicaCount(flags.replicas);
  await withSession(flags, async (s) => {
    await updateWithRetry(s.client, ref.kind, s.target.namespace, ref.name, (obj) => {
      if (!obj.spec || obj.spec.replicas === replicas) return undefined;
      const next = structuredClone(obj);
      if (next.spec) next.spec.replicas = replicas;
      return next;
    });
    process.stdout.write(`${resourceName(ref.kind, ref.name)} scaled\n`);
  });
}

export function registerScale(program: Command): void {
  withConnectionOptions(
    program
      .command('scale')
      .description('set the number of replicas of a deployment or replica set')
      .argument('<object...>', 'deploy/NAME, rs/NAME, or KIND NAME')
      .requiredOption('--replicas <n>', 'the new number of replicas'),
  ).action(action((args: string[], flags: ScaleFlags) => run(args, flags)));
}
