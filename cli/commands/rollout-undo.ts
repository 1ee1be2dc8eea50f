import type { Command } from 'commander';
import { BadRequestError } from '../../lib/errors';
import { withConnectionOptions, withSession } from '../connection';
import { action } from '../errors';
import { resourceName } from '../printers/output';
import { oneObject } from './one-object';
import { readRevisions } from './rollout-revisions';
import { rolledBack, undoTarget, type UndoChoice } from './rollout-undo-plan';
import { updateWithRetry } from './update-object';

interface UndoFlags {
  toRevision?: string;
  toTag?: string;
  server?: string;
  namespace?: string;
}

function choice(flags: UndoFlags): UndoChoice {
  const toRevision = flags.toRevision === undefined ? 0 : Number(flags.toRevision);
  if (!Number.isInteger(toRevision) || toRevision < 0) throw new BadRequestError(`--to-revision must be an integer >= 0, not "${flags.toRevision}"`);
  return { toRevision, toTag: flags.toTag };
}

async function run(args: string[], flags: UndoFlags): Promise<void> {
  const ref = oneObject(args, ['deployments'], 'rollout undo');
  const want = choice(flags);
  await withSession(flags, async (s) => {
    const namespace = s.target.namespace;
    let revision = 0;
    // the target is chosen against the freshest Deployment on every attempt (another writer may have changed what runs)
    const { revisions } = await readRevisions(s, namespace, ref.name);
    const res = await updateWithRetry(s.client, 'deployments', namespace, ref.name, (d) => {
      const target = undoTarget(d, revisions, want);
      revision = target.revision;
      return rolledBack(d, target);
    });
    const resource = resourceName('deployments', ref.name);
    process.stdout.write(res.changed ? `${resource} rolled back\n` : `${resource} skipped rollback (current template already matches revision ${revision})\n`);
  });
}

export function registerRolloutUndo(rollout: Command): void {
  withConnectionOptions(
    rollout
      .command('undo')
      .description('roll back to the previous revision, a given one, or the newest one that ran a tag')
      .argument('<deployment...>', 'deploy/NAME or deploy NAME')
      .option('--to-revision <n>', 'the revision to go back to (0: the previous one)')
      .option('--to-tag <tag>', 'the newest revision whose containers ran this tag ("1.0" or "app:1.0")'),
  ).action(action((args: string[], flags: UndoFlags) => run(args, flags)));
}
