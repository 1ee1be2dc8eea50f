import type { Command } from 'commander';
import { BadRequestError } from '../../lib/errors';
import { withConnectionOptions, withSession } from '../connection';
import { action } from '../errors';
import { pickContainer } from './container-choice';

interface LogsFlags {
  container?: string;
  follow?: boolean;
  tail?: string;
  previous?: boolean;
  timestamps?: boolean;
  server?: string;
  namespace?: string;
}

/** Pure: --tail as the API's tailLines (-1: everything). */
export function tailLines(tail: string | undefined): number {
  if (tail === undefined) return -1;
  const n = Number(tail);
  if (!Number.isInteger(n) || n < -1) throw new BadRequestError(`--tail must be an integer >= -1, not "${tail}"`);
  return n;
}

/** "pod/NAME" or "NAME" (kubectl also accepts the kind prefix for pods). */
function podName(arg: string): string {
  const slash = arg.indexOf('/');
  if (slash < 0) return arg;
  if (!['po', 'pod', 'pods'].includes(arg.slice(0, slash))) throw new BadRequestError(`"${arg}": berth logs takes a pod: NAME or pod/NAME`);
  return arg.slice(slash + 1);
}

async function run(arg: string, flags: LogsFlags): Promise<void> {
  const tail = tailLines(flags.tail);
  const name = podName(arg);
  await withSession(flags, async (s) => {
    const namespace = s.target.namespace;
    const pod = await s.client.get('pods', namespace, name);
    const container = pickContainer(pod, flags.container);
    const chunks = s.client.logs({ namespace, pod: name, container, follow: !!flags.follow, tailLines: tail, previous: !!flags.previous, timestamps: !!flags.timestamps });
    // kubectl writes both streams of the container to stdout, in the order they were logged
    for await (const chunk of chunks) {
      if (!process.stdout.write(chunk.data)) await new Promise((resolve) => process.stdout.once('drain', resolve));
    }
  });
}

export function registerLogs(program: Command): void {
  withConnectionOptions(
    program
      .command('logs')
      .description("print a container's log (through the apiserver, from the pod's node)")
      .argument('<pod>', 'NAME or pod/NAME')
      .option('-c, --container <name>', 'the container (optional when the pod has one)')
      .option('-f, --follow', 'keep streaming new output')
      .option('--tail <lines>', 'only the last N lines (-1: all)')
      .option('-p, --previous', "the previous run's log of a restarted container")
      .option('--timestamps', 'prefix each line with its RFC 3339 time'),
  ).action(action((arg: string, flags: LogsFlags) => run(arg, flags)));
}
