// `rollout pause|resume|restart`: small edits of a Deployment's spec, each a pure function
// of the stored object, written with CAS retries.
import type { Command } from 'commander';
import { ObjectMeta, type Deployment } from '../../lib/api/types';
import { BadRequestError } from '../../lib/errors';
import { withConnectionOptions, withSession } from '../connection';
import { action } from '../errors';
import { resourceName } from '../printers/output';
import { oneObject } from './one-object';
import { updateWithRetry } from './update-object';

export const RESTARTED_AT_ANNOTATION = 'kubectl.kubernetes.io/restartedAt';

/** An edit returns the changed Deployment, or throws a BadRequestError saying why not. */
type Edit = (d: Deployment, now: Date) => Deployment;

const name = (d: Deployment) => d.metadata?.name ?? '';
const withSpec = (d: Deployment, spec: Partial<NonNullable<Deployment['spec']>>): Deployment => ({ ...d, spec: d.spec && { ...d.spec, ...spec } });

export const pause: Edit = (d) => {
  if (d.spec?.paused) throw new BadRequestError(`deployments.apps "${name(d)}" is already paused`);
  return withSpec(d, { paused: true });
};

export const resume: Edit = (d) => {
  if (!d.spec?.paused) throw new BadRequestError(`deployments.apps "${name(d)}" is not paused`);
  return withSpec(d, { paused: false });
};

/** A new template annotation makes a new template, hence a new revision with fresh pods. */
export const restart: Edit = (d, now) => {
  if (d.spec?.paused) throw new BadRequestError(`can't restart paused deployment "${name(d)}" (run rollout resume first)`);
  const t = d.spec?.template;
  const metadata = ObjectMeta.fromPartial({ ...t?.metadata, annotations: { ...t?.metadata?.annotations, [RESTARTED_AT_ANNOTATION]: now.toISOString() } });
  return withSpec(d, { template: { metadata, spec: t?.spec } });
};

function registerEdit(rollout: Command, verb: string, done: string, description: string, edit: Edit): void {
  withConnectionOptions(rollout.command(verb).description(description).argument('<deployment...>', 'deploy/NAME or deploy NAME')).action(
    action(async (args: string[], flags: { server?: string; namespace?: string }) => {
      const ref = oneObject(args, ['deployments'], `rollout ${verb}`);
      await withSession(flags, async (s) => {
        await updateWithRetry(s.client, 'deployments', s.target.namespace, ref.name, (d) => edit(d, new Date()));
        process.stdout.write(`${resourceName('deployments', ref.name)} ${done}\n`);
      });
    }),
  );
}

export function registerRolloutEdits(rollout: Command): void {
  registerEdit(rollout, 'pause', 'paused', 'stop rolling out template changes until resumed', pause);
  registerEdit(rollout, 'resume', 'resumed', 'resume a paused rollout', resume);
  registerEdit(rollout, 'restart', 'restarted', 'replace every pod, by a new revision of the same template', restart);
}
