// Reading manifests: multi-document YAML (JSON is YAML too) from files, directories and stdin.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { BadRequestError } from '../errors';

/** One document of a manifest, with where it came from (for error messages). */
export interface ManifestDocument {
  /** File path, or "<stdin>". */
  source: string;
  /** 1-based position of the document in its source. */
  index: number;
  /** Position inside a `kind: List` document, when it came from one. */
  item?: number;
  content: unknown;
}

export class ManifestParseError extends BadRequestError {}

const EXTENSIONS = new Set(['.yaml', '.yml', '.json']);
export const STDIN = '-';

/** Splits YAML text into documents; empty documents are skipped, `kind: List` is expanded. */
export function parseManifests(text: string, source: string): ManifestDocument[] {
  const out: ManifestDocument[] = [];
  parseAllDocuments(text).forEach((doc, i) => {
    const index = i + 1;
    if (!('errors' in doc)) throw new ManifestParseError(`${source}: document ${index}: not a YAML document`);
    if (doc.errors.length > 0) {
      const e = doc.errors[0];
      const where = e.linePos ? ` (line ${e.linePos[0].line}, column ${e.linePos[0].col})` : '';
      throw new ManifestParseError(`${source}: document ${index}: invalid YAML${where}: ${e.message.split('\n')[0]}`);
    }
    const content: unknown = doc.toJS();
    if (content === null || content === undefined) return;
    const list = content as { kind?: unknown; items?: unknown };
    if (list.kind === 'List' && Array.isArray(list.items)) {
      list.items.forEach((item: unknown, j: number) => out.push({ source, index, item: j, content: item }));
    } else out.push({ source, index, content });
  });
  return out;
}

async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c as string));
  return Buffer.concat(chunks).toString('utf8');
}

async function filesOf(p: string): Promise<string[]> {
  const st = await fs.stat(p).catch((err: NodeJS.ErrnoException) => {
    throw new ManifestParseError(err.code === 'ENOENT' ? `${p}: no such file or directory` : `${p}: ${err.message}`, { cause: err });
  });
  if (!st.isDirectory()) return [p];
  const names = (await fs.readdir(p)).filter((n) => EXTENSIONS.has(path.extname(n).toLowerCase())).sort();
  return names.map((n) => path.join(p, n));
}

/**
 * Loads every document of the given files, directories (their *.yaml, *.yml, *.json files,
 * sorted by name, not recursive) and "-" (stdin), in order.
 */
export async function loadManifests(paths: string[], stdin: NodeJS.ReadableStream = process.stdin): Promise<ManifestDocument[]> {
  const docs: ManifestDocument[] = [];
  for (const p of paths) {
    if (p === STDIN) {
      docs.push(...parseManifests(await readStream(stdin), '<stdin>'));
      continue;
    }
    for (const file of await filesOf(p)) docs.push(...parseManifests(await fs.readFile(file, 'utf8'), file));
  }
  return docs;
}
