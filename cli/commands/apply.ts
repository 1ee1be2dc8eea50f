import type { Command } from 'commander';
import { unwrapAny, wrap } from '../../lib/api/kinds';
import { InvalidError } from '../../lib/errors';
import { formatDocumentFieldError, loadManifests, validateManifestDocuments } from '../../lib/manifest';
import { withConnectionOptions, withSession } from '../connection';
import { action, manifestError } from '../errors';
import { resourceName } from '../printers/output';

interface ApplyFlags {
  filename: string[];
  dryRun?: boolean;
  server?: string;
  namespace?: string;
}

async function run(flags: ApplyFlags): Promise<void> {
  const docs = await loadManifests(flags.filename);
  await withSession(flags, async (s) => {
    const result = validateManifestDocuments(docs, { namespace: s.target.namespace });
    for (const w of result.warnings) process.stderr.write(`Warning: ${formatDocumentFieldError(w)}\n`);
    if (result.errors.length > 0) {
      throw manifestError(result.errors);
    }
    if (result.objects.length === 0) throw new InvalidError([{ field: flags.filename.join(', '), message: 'no objects passed to apply' }], 'manifest');
    const res = await s.client.apply(
      result.objects.map((o) => wrap(o.kind, o.object as never)),
      { dryRun: flags.dryRun },
    );
    for (const w of res.warnings) process.stderr.write(`Warning: ${w}\n`);
    for (const r of res.results) {
      if (!r.object) continue;
      const { kind, object } = unwrapAny(r.object);
      process.stdout.write(`${resourceName(kind, object.metadata?.name ?? '')} ${r.action}${flags.dryRun ? ' (dry run)' : ''}\n`);
    }
  });
}

const collect = (v: string, prev: string[]) => [...prev, v];

export function registerApply(program: Command): void {
  withConnectionOptions(
    program
      .command('apply')
      .description('create or update objects from manifests (files, directories, or - for stdin); all are validated before any is stored')
      .requiredOption('-f, --filename <path>', 'a manifest file, a directory of them, or - (repeatable)', collect, [])
      .option('--dry-run', 'validate on the server without storing'),
  ).action(action((flags: ApplyFlags) => run(flags)));
}
