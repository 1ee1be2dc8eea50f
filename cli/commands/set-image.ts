import type { Command } from 'commander';
import { BadRequestError } from '../../lib/errors';
import { CHANGE_CAUSE_ANNOTATION } from '../../lib/rollout';
import { withConnectionOptions, withSession } from '../connection';
import { action } from '../errors';
import { resourceName } from '../printers/output';
import { oneObject } from './one-object';
import { parseImageArgs, withImages } from './set-image-args';
import { updateWithRetry } from './update-object';

interface SetImageFlags {
  record?: boolean;
  server?: string;
  namespace?: string;
}

async function run(args: string[], flags: SetImageFlags): Promise<void> {
  const pairs = args.filter((a) => a.includes('='));
  const objectArgs = args.filter((a) => !a.includes('='));
  if (objectArgs.length === 0) throw new BadRequestError('name the object to change, e.g. berth set image deploy/web web=app:2.0');
  const ref = oneObject(objectArgs, ['deployments', 'replicasets'], 'set image');
  const updates = parseImageArgs(pairs);
  const cause = `berth set image ${args.join(' ')}`;
  await withSession(flags, async (s) => {
    const { changed } = await updateWithRetry(s.client, ref.kind, s.target.namespace, ref.name, (obj) => {
      const template = withImages(obj.spec?.template, updates);
      if (!template) return undefined;
      const next = structuredClone(obj);
      if (next.spec) next.spec.template = template;
      if (flags.record && next.metadata) next.metadata.annotations[CHANGE_CAUSE_ANNOTATION] = cause;
      return next;
    });
    process.stdout.write(`${resourceName(ref.kind, ref.name)} ${changed ? 'image updated' : 'unchanged (images already set)'}\n`);
  });
}

export function registerSet(program: Command): void {
  const set = program.command('set').description('change one field of objects');
  withConnectionOptions(
    set
      .command('image')
      .description("change containers' images, starting a rollout (deploy/NAME or rs/NAME)")
      .argument('<object-and-images...>', 'deploy/NAME CONTAINER=IMAGE... ("*" for every container)')
      .option('--record', 'record the command as the change cause (kubernetes.io/change-cause), shown by rollout history'),
  ).action(action((args: string[], flags: SetImageFlags) => run(args, flags)));
}
