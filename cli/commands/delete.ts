import type { Command } from 'commander';
import { KINDS } from '../../lib/api/kinds';
import type { DeleteOptions } from '../../lib/api/client';
import { BadRequestError, NotFoundError } from '../../lib/errors';
import { loadManifests, validateManifestDocuments } from '../../lib/manifest';
import { withConnectionOptions, withSession } from '../connection';
import { action, manifestError } from '../errors';
import { resourceType } from '../printers/output';
import { parseObjectArgs, type ObjectRef } from './kind-args';

interface DeleteFlags {
  filename: string[];
  gracePeriod?: string;
  force?: boolean;
  cascade: string;
  ignoreNotFound?: boolean;
  wait?: boolean;
  server?: string;
  namespace?: string;
}

const CASCADE: Record<string, DeleteOptions['propagationPolicy']> = { background: 'Background', true: 'Background', foreground: 'Foreground', orphan: 'Orphan', false: 'Orphan' };

/** Pure: the API's delete options for the flags. */
export function deleteOptions(flags: Pick<DeleteFlags, 'gracePeriod' | 'force' | 'cascade'>): DeleteOptions {
  const propagationPolicy = CASCADE[flags.cascade];
  if (!propagationPolicy) throw new BadRequestError(`--cascade must be background, foreground or orphan, not "${flags.cascade}"`);
  let grace = flags.gracePeriod === undefined ? -1 : Number(flags.gracePeriod);
  if (!Number.isInteger(grace) || grace < -1) throw new BadRequestError(`--grace-period must be an integer >= -1, not "${flags.gracePeriod}"`);
  if (flags.force && grace < 0) grace = 0;
  if (grace === 0 && !flags.force) grace = 1; // kubectl: 0 means "as fast as possible" unless forced
  return { gracePeriodSeconds: grace < 0 ? undefined : grace, propagationPolicy, force: !!flags.force };
}

async function refsFromFiles(files: string[]): Promise<(ObjectRef & { namespace?: string })[]> {
  const result = validateManifestDocuments(await loadManifests(files));
  if (result.errors.length > 0) throw manifestError(result.errors);
  return result.objects.map((o) => ({ kind: o.kind, name: o.object.metadata?.name ?? '', namespace: o.object.metadata?.namespace || undefined }));
}

async function run(args: string[], flags: DeleteFlags): Promise<void> {
  const opts = deleteOptions(flags);
  const refs = flags.filename.length > 0 ? await refsFromFiles(flags.filename) : parseObjectArgs(args).refs;
  if (refs.length === 0) throw new BadRequestError('nothing to delete: give KIND NAME..., KIND/NAME... or -f FILE');
  await withSession(flags, async (s) => {
    let failed = false;
    for (const ref of refs) {
      const namespace = KINDS[ref.kind].namespaced ? (ref as { namespace?: string }).namespace || s.target.namespace : '';
      const label = `${resourceType(ref.kind)} "${ref.name}"`;
      try {
        await s.client.delete(ref.kind, namespace, ref.name, opts);
        process.stdout.write(`${label} deleted${opts.force ? ' (forced)' : ''}\n`);
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err;
        if (flags.ignoreNotFound) continue;
        process.stderr.write(`Error from server (NotFound): ${label} not found\n`);
        failed = true;
      }
    }
    if (failed) process.exitCode = 1;
  });
}

const collect = (v: string, prev: string[]) => [...prev, v];

export function registerDelete(program: Command): void {
  withConnectionOptions(
    program
      .command('delete')
      .description('delete objects by KIND NAME..., KIND/NAME... or -f FILE (graceful: pods stop within their grace period)')
      .argument('[objects...]', 'KIND NAME... or KIND/NAME...')
      .option('-f, --filename <path>', 'delete the objects named in a manifest (repeatable)', collect, [])
      .option('--grace-period <seconds>', 'seconds to let the pods stop (-1: the object\'s own)')
      .option('--force', 'remove at once, without waiting for the node to confirm (grace period 0)')
      .option('--cascade <policy>', 'background, foreground or orphan', 'background')
      .option('--ignore-not-found', 'treat "not found" as success'),
  ).action(action((args: string[], flags: DeleteFlags) => run(args, flags)));
}
