// `berth cordon|uncordon NODE`: spec.unschedulable, the one field of a Node the CLI owns.
import type { Command } from 'commander';
import type { ApiClient } from '../../lib/api/client';
import { withConnectionOptions, withSession } from '../connection';
import { action } from '../errors';
import { resourceName } from '../printers/output';
import { oneObject } from './one-object';
import { updateWithRetry } from './update-object';

/** Sets spec.unschedulable; returns false when it already had that value. */
export async function setUnschedulable(client: ApiClient, node: string, unschedulable: boolean): Promise<boolean> {
  const { changed } = await updateWithRetry(client, 'nodes', '', node, (n) =>
    !!n.spec?.unschedulable === unschedulable ? undefined : { ...n, spec: { podCidr: '', taints: [], ...n.spec, unschedulable } },
  );
  return changed;
}

/** "n1", "node/n1" or "node n1". */
export function nodeArg(args: string[], command: string): string {
  return oneObject(args.length === 1 && !args[0].includes('/') ? ['nodes', args[0]] : args, ['nodes'], command).name;
}

function registerToggle(program: Command, verb: 'cordon' | 'uncordon', unschedulable: boolean, description: string): void {
  withConnectionOptions(program.command(verb).description(description).argument('<node...>', 'NODE or node/NODE')).action(
    action(async (args: string[], flags: { server?: string; namespace?: string }) => {
      const node = nodeArg(args, verb);
      await withSession(flags, async (s) => {
        const changed = await setUnschedulable(s.client, node, unschedulable);
        process.stdout.write(`${resourceName('nodes', node)} ${changed ? '' : 'already '}${verb}ed\n`);
      });
    }),
  );
}

export function registerCordon(program: Command): void {
  registerToggle(program, 'cordon', true, 'mark a node unschedulable: running pods stay, no new ones are placed there');
  registerToggle(program, 'uncordon', false, 'mark a node schedulable again');
}
