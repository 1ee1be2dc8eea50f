import type { Command } from 'commander';
import { BadRequestError, NotFoundError } from '../../lib/errors';
import { findRevision } from '../../lib/rollout';
import { withConnectionOptions, withSession } from '../connection';
import { action } from '../errors';
import { resourceName } from '../printers/output';
import { historyTable, revisionDetail } from '../printers/rollout-history';
import { oneObject } from './one-object';
import { readRevisions } from './rollout-revisions';

interface HistoryFlags {
  revision?: string;
  server?: string;
  namespace?: string;
}

async function run(args: string[], flags: HistoryFlags): Promise<void> {
  const ref = oneObject(args, ['deployments'], 'rollout history');
  const wanted = flags.revision === undefined ? 0 : Number(flags.revision);
  if (!Number.isInteger(wanted) || wanted < 0) throw new BadRequestError(`--revision must be a positive integer, not "${flags.revision}"`);
  await withSession(flags, async (s) => {
    const { revisions } = await readRevisions(s, s.target.namespace, ref.name);
    const resource = resourceName('deployments', ref.name);
    if (!wanted) {
      process.stdout.write(revisions.length ? historyTable(resource, revisions) : `No rollout history found for ${resource}.\n`);
      return;
    }
    const r = findRevision(revisions, wanted);
    if (!r) throw new NotFoundError(`unable to find the specified revision ${wanted} of ${resource} (revisions: ${revisions.map((x) => x.revision).join(', ') || 'none'})`);
    process.stdout.write(revisionDetail(resource, r));
  });
}

export function registerRolloutHistory(rollout: Command): void {
  withConnectionOptions(
    rollout
      .command('history')
      .description("list a deployment's revisions: images (tag and the digest it resolved to) and change cause")
      .argument('<deployment...>', 'deploy/NAME or deploy NAME')
      .option('--revision <n>', 'show one revision in detail'),
  ).action(action((args: string[], flags: HistoryFlags) => run(args, flags)));
}
