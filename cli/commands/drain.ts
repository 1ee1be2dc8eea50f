import type { Command } from 'commander';
import type { ApiClient } from '../../lib/api/client';
import type { Pod } from '../../lib/api/types';
import { BadRequestError, DeadlineError, NotFoundError } from '../../lib/errors';
import { withConnectionOptions, withSession } from '../connection';
import { action } from '../errors';
import { resourceName } from '../printers/output';
import { setUnschedulable, nodeArg } from './cordon';
import { drainPlan } from './drain-plan';
import { parseDuration } from './flag-values';

interface DrainFlags {
  gracePeriod: string;
  timeout: string;
  force?: boolean;
  deleteEmptydirData?: boolean;
  server?: string;
  namespace?: string;
}

const POLL_MS = 500;
const podRef = (p: Pod) => `${p.metadata?.namespace}/${p.metadata?.name}`;

function gracePeriod(text: string): number | undefined {
  const n = Number(text);
  if (!Number.isInteger(n) || n < -1) throw new BadRequestError(`--grace-period must be an integer >= -1, not "${text}"`);
  // 0 would remove a bound pod from storage before its agent stopped the containers (berth
  // delete maps it the same way): 1 s is "as fast as possible" with the agent's confirmation
  return n < 0 ? undefined : Math.max(n, 1);
}

/** Polls the node's pods until none of `uids` is left; DeadlineError after timeoutMs (0: never). */
async function waitGone(client: ApiClient, node: string, uids: Set<string>, timeoutMs: number): Promise<void> {
  const deadline = timeoutMs > 0 ? Date.now() + timeoutMs : Infinity;
  for (;;) {
    const { items } = await client.list('pods', { fieldSelector: `spec.nodeName=${node}` });
    const left = items.filter((p) => uids.has(p.metadata?.uid ?? ''));
    if (left.length === 0) return;
    if (Date.now() >= deadline) throw new DeadlineError(`drain did not complete within ${timeoutMs / 1000}s: ${left.length} pod(s) remain on ${node}: ${left.map(podRef).join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function run(args: string[], flags: DrainFlags): Promise<void> {
  const node = nodeArg(args, 'drain');
  const grace = gracePeriod(flags.gracePeriod);
  const timeoutMs = parseDuration('--timeout', flags.timeout);
  await withSession(flags, async (s) => {
    const changed = await setUnschedulable(s.client, node, true);
    process.stdout.write(`${resourceName('nodes', node)} ${changed ? '' : 'already '}cordoned\n`);
    const { items } = await s.client.list('pods', { fieldSelector: `spec.nodeName=${node}` });
    const plan = drainPlan(items, { force: !!flags.force, deleteEmptyDirData: !!flags.deleteEmptydirData });
    if (plan.blocked.length > 0) {
      const lines = plan.blocked.map((b) => `  ${podRef(b.pod)}: ${b.reason}`);
      throw new BadRequestError(`unable to drain node "${node}" (it stays cordoned; nothing was deleted):\n${lines.join('\n')}`);
    }
    for (const pod of plan.delete) {
      process.stdout.write(`evicting pod ${podRef(pod)}\n`);
      try {
        await s.client.delete('pods', pod.metadata?.namespace ?? '', pod.metadata?.name ?? '', { gracePeriodSeconds: grace, preconditionUid: pod.metadata?.uid });
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err;
      }
    }
    const going = [...plan.delete, ...plan.terminating];
    await waitGone(s.client, node, new Set(going.map((p) => p.metadata?.uid ?? '')), timeoutMs);
    for (const pod of plan.delete) process.stdout.write(`${resourceName('pods', pod.metadata?.name ?? '')} evicted\n`);
    process.stdout.write(`${resourceName('nodes', node)} drained\n`);
  });
}

export function registerDrain(program: Command): void {
  withConnectionOptions(
    program
      .command('drain')
      .description("cordon a node, then delete its pods (their controllers re-create them elsewhere) and wait until they are gone")
      .argument('<node...>', 'NODE or node/NODE')
      .option('--grace-period <seconds>', "seconds each pod gets to stop (-1: the pod's own)", '-1')
      .option('--timeout <duration>', 'give up after this long (0: never)', '0')
      .option('--force', 'also delete pods no controller manages (they are not re-created)')
      .option('--delete-emptydir-data', 'also delete pods with emptyDir volumes (their data is lost)'),
  ).action(action((args: string[], flags: DrainFlags) => run(args, flags)));
}
