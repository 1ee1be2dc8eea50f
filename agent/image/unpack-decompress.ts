// Picks and runs the decompressor for a layer blob. zstd runs as Debian's `zstd -dc` child
// process: Node 20's zlib has no zstd, and the tool streams several times faster than fzstd.
import { spawn } from 'node:child_process';
import { pipeline, Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import { LayerFormatError } from './unpack-errors';

export type Compression = 'gzip' | 'zstd' | 'none';

const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);
const ZSTD_MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);
const CHUNK = 64 * 1024;

/** What the media type promises; 'unknown' for generic types (then the bytes decide). */
export function declaredCompression(mediaType: string): Compression | 'unknown' {
  const t = mediaType.trim().toLowerCase();
  if (t.endsWith('+gzip') || t.endsWith('.tar.gzip')) return 'gzip';
  if (t.endsWith('+zstd')) return 'zstd';
  if (t.endsWith('.tar') || t === 'application/x-tar') return 'none';
  return 'unknown';
}

export function sniffCompression(head: Buffer): Compression {
  if (head.subarray(0, 2).equals(GZIP_MAGIC)) return 'gzip';
  if (head.subarray(0, 4).equals(ZSTD_MAGIC)) return 'zstd';
  return 'none';
}

/**
 * A declared compression must match the magic bytes; a plain-tar or generic type lets the
 * bytes decide, as containerd does, since registries mislabel layers.
 */
export function chooseCompression(mediaType: string, head: Buffer): Compression {
  const declared = declaredCompression(mediaType);
  const sniffed = sniffCompression(head);
  if ((declared === 'gzip' || declared === 'zstd') && sniffed !== declared) {
    throw new LayerFormatError(`layer declared as ${mediaType} does not start with ${declared} magic bytes`);
  }
  return sniffed;
}

/** The uncompressed bytes of a layer blob, streamed; errors of `input` come out of the iteration. */
export async function decompressed(input: Readable, mediaType: string): Promise<AsyncIterable<Buffer>> {
  const it: AsyncIterator<Buffer> = input[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let have = 0;
  let ended = false;
  while (have < ZSTD_MAGIC.length) {
    const next = await it.next();
    if (next.done) {
      ended = true;
      break;
    }
    head.push(next.value);
    have += next.value.length;
  }
  const first = Buffer.concat(head);
  const compression = chooseCompression(mediaType, first);
  const rest = Readable.from(prepend(first, ended ? null : it), { objectMode: false });
  if (compression === 'none') return rest;
  if (compression === 'gzip') {
    const gunzip = zlib.createGunzip({ chunkSize: CHUNK });
    pipeline(rest, gunzip, () => undefined); // an error destroys gunzip, which rethrows it to the reader
    return gunzip;
  }
  return zstd(rest);
}

async function* prepend(first: Buffer, it: AsyncIterator<Buffer> | null): AsyncGenerator<Buffer> {
  try {
    if (first.length > 0) yield first;
    if (it === null) return;
    for (;;) {
      const next = await it.next();
      if (next.done) return;
      yield next.value;
    }
  } finally {
    await it?.return?.();
  }
}

async function* zstd(src: Readable): AsyncGenerator<Buffer> {
  const child = spawn('zstd', ['-d', '-c', '-q'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code));
  });
  let inputError: Error | null = null;
  pipeline(src, child.stdin, (err) => {
    // EPIPE only means zstd stopped reading; its exit status tells why
    if (err && (err as NodeJS.ErrnoException).code !== 'EPIPE') inputError = err;
  });
  try {
    for await (const chunk of child.stdout) yield chunk as Buffer;
    const code = await exited;
    if (inputError !== null) throw inputError;
    if (code !== 0) throw new LayerFormatError(`zstd could not decompress the layer: ${stderr.trim() || `exit ${code}`}`);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    src.destroy();
  }
}
