import type { Command } from 'commander';
import { KINDS } from '../../lib/api/kinds';
import { withConnectionOptions, withSession } from '../connection';
import { action } from '../errors';
import { describeObject, eventsFor } from '../printers/describe';
import { parseObjectArgs } from './kind-args';

export function registerDescribe(program: Command): void {
  withConnectionOptions(
    program
      .command('describe')
      .description('show details of objects, with their events')
      .argument('<kind-or-kind/name...>', 'KIND NAME... or KIND/NAME...'),
  ).action(
    action(async (args: string[], flags: { server?: string; namespace?: string }) => {
      const { refs } = parseObjectArgs(args);
      await withSession(flags, async (s) => {
        const outputs: string[] = [];
        for (const ref of refs) {
          const namespace = KINDS[ref.kind].namespaced ? s.target.namespace : '';
          const obj = await s.client.get(ref.kind, namespace, ref.name);
          const evs = await s.client.list('events', { namespace: namespace || undefined });
          outputs.push(describeObject(ref.kind, obj, eventsFor(obj, evs.items, KINDS[ref.kind].kind), Date.now()));
        }
        process.stdout.write(outputs.join('\n\n'));
      });
    }),
  );
}
