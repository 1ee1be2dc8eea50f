import type { Command } from 'commander';
import { KINDS, type AnyObject, type KindName } from '../../lib/api/kinds';
import { BadRequestError, NotFoundError } from '../../lib/errors';
import { stringify } from 'yaml';
import { toManifest } from '../../lib/manifest/to-manifest';
import { withConnectionOptions, withSession, type Session } from '../connection';
import { action } from '../errors';
import { formatNames, formatObjects, OUTPUT_FORMATS, tableRows, type OutputFormat } from '../printers/output';
import { columnWidths, formatTable } from '../printers/table';
import { parseObjectArgs } from './kind-args';

interface GetFlags {
  output?: string;
  selector?: string;
  fieldSelector?: string;
  allNamespaces?: boolean;
  watch?: boolean;
  headers: boolean;
  server?: string;
  namespace?: string;
}

function outputFormat(o: string | undefined): OutputFormat {
  if (!o) return 'table';
  if (!(OUTPUT_FORMATS as string[]).includes(o)) throw new BadRequestError(`unknown output format "${o}": use one of ${OUTPUT_FORMATS.join(', ')}`);
  return o as OutputFormat;
}

/** Prints objects in the chosen format; returns the table widths for a watch to keep. */
function print(kind: KindName, objects: AnyObject[], format: OutputFormat, flags: GetFlags, single: boolean): number[] {
  if (format === 'yaml' || format === 'json') process.stdout.write(formatObjects(kind, objects, format, single));
  else if (format === 'name') process.stdout.write(formatNames(kind, objects));
  else {
    const rows = tableRows(kind, objects, { wide: format === 'wide', withNamespace: !!flags.allNamespaces, headers: flags.headers }, Date.now());
    const widths = columnWidths(rows);
    process.stdout.write(formatTable(rows, widths));
    return widths;
  }
  return [];
}

function printWatched(kind: KindName, obj: AnyObject, format: OutputFormat, flags: GetFlags, widths: number[]): void {
  if (format === 'yaml') process.stdout.write(`---\n${stringify(toManifest(kind, obj))}`);
  else if (format === 'json') process.stdout.write(JSON.stringify(toManifest(kind, obj), null, 4) + '\n');
  else if (format === 'name') process.stdout.write(formatNames(kind, [obj]));
  else {
    const rows = tableRows(kind, [obj], { wide: format === 'wide', withNamespace: !!flags.allNamespaces, headers: false }, Date.now());
    process.stdout.write(formatTable(rows, widths));
  }
}

async function getNamed(s: Session, kind: KindName, names: string[], namespace: string): Promise<{ objects: AnyObject[]; failed: string[] }> {
  const objects: AnyObject[] = [];
  const failed: string[] = [];
  for (const name of names) {
    try {
      objects.push(await s.client.get(kind, namespace, name));
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
      failed.push(`${kind} "${name}" not found`);
    }
  }
  return { objects, failed };
}

async function run(args: string[], flags: GetFlags): Promise<void> {
  const format = outputFormat(flags.output);
  const { kind, refs } = parseObjectArgs(args);
  if (!kind) throw new BadRequestError('berth get shows one kind at a time');
  await withSession(flags, async (s) => {
    const namespace = KINDS[kind].namespaced && !flags.allNamespaces ? s.target.namespace : '';
    let objects: AnyObject[];
    let resourceVersion = '';
    const names = refs.map((r) => r.name);
    if (names.length > 0) {
      const got = await getNamed(s, kind, names, namespace);
      got.failed.forEach((f) => process.stderr.write(`Error from server (NotFound): ${f}\n`));
      if (got.failed.length > 0) process.exitCode = 1;
      objects = got.objects;
      // watch a named object from its own revision: every later change, nothing twice
      resourceVersion = objects.length === 1 ? (objects[0].metadata?.resourceVersion ?? '') : '';
    } else {
      const listed = await s.client.list(kind, { namespace, labelSelector: flags.selector, fieldSelector: flags.fieldSelector });
      objects = listed.items;
      resourceVersion = listed.resourceVersion;
      if (objects.length === 0 && !flags.watch) {
        process.stderr.write(KINDS[kind].namespaced && namespace ? `No resources found in ${namespace} namespace.\n` : 'No resources found\n');
      }
    }
    // an empty list prints nothing (kubectl); a watch still aligns its rows under the headers' widths
    const widths = objects.length > 0 ? print(kind, objects, format, flags, names.length === 1) : columnWidths(tableRows(kind, [], { wide: format === 'wide', withNamespace: !!flags.allNamespaces, headers: true }, 0));
    if (!flags.watch) return;
    if (names.length > 1) throw new BadRequestError('watch is only supported on a single object or a list');
    const fieldSelector = names.length === 1 ? `metadata.name=${names[0]}` : flags.fieldSelector;
    const stream = s.client.watch(kind, { namespace, labelSelector: flags.selector, fieldSelector, resourceVersion: resourceVersion || undefined });
    process.once('SIGINT', () => stream.close());
    for await (const ev of stream) {
      if (ev.type === 'BOOKMARK' || !ev.object) continue;
      printWatched(kind, ev.object, format, flags, widths);
    }
  });
}

export function registerGet(program: Command): void {
  withConnectionOptions(
    program
      .command('get')
      .description('display one or many objects (pods, deployments, replicasets, nodes, events, leases)')
      .argument('<kind-or-kind/name...>', 'KIND [NAME...] or KIND/NAME...')
      .option('-o, --output <format>', `output format: ${OUTPUT_FORMATS.join('|')}`)
      .option('-l, --selector <selector>', 'label selector, e.g. app=web,tier!=db')
      .option('--field-selector <selector>', 'field selector, e.g. spec.nodeName=n1')
      .option('-A, --all-namespaces', 'list across all namespaces')
      .option('-w, --watch', 'after listing, watch for changes')
      .option('--no-headers', 'omit table headers'),
  ).action(action((args: string[], flags: GetFlags) => run(args, flags)));
}
