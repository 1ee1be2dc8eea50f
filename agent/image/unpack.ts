import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { BerthError, wrapError } from '../../lib/errors';
import { createLogger, type Logger } from '../../lib/log';
import { LayerWriter } from './unpack-apply';
import { decompressed } from './unpack-decompress';
import { LayerLimitError } from './unpack-errors';
import { readTar } from './unpack-tar-reader';

export { LayerFormatError, LayerLimitError, UnsafeLayerError } from './unpack-errors';

/** Bounds that stop decompression bombs and absurd layers; each is checked while streaming. */
export interface UnpackLimits {
  /** total uncompressed tar bytes */
  maxBytes?: number;
  maxEntries?: number;
  maxFileSize?: number;
  /** bytes in one entry name */
  maxPathLength?: number;
}

export const DEFAULT_UNPACK_LIMITS: Required<UnpackLimits> = {
  maxBytes: 8 * 1024 ** 3,
  maxEntries: 1_000_000,
  maxFileSize: 8 * 1024 ** 3,
  maxPathLength: 4096,
};

export interface UnpackResult {
  /** sha256 of the uncompressed tar stream, "sha256:<hex>" (the config's rootfs.diff_ids entry) */
  diffId: string;
  entries: number;
  /** uncompressed bytes */
  bytes: number;
}

/**
 * Unpacks one layer blob (compressed bytes as they arrive) into `target`, an empty directory
 * that becomes an overlay snapshot: whiteouts become overlay whiteouts, nothing is written
 * outside `target`. Streams: memory stays bounded whatever the layer's size. On failure the
 * target holds a partial layer: the caller throws it away (see Snapshotter.prepare).
 */
export async function unpackLayer(input: Readable, opts: { mediaType: string; target: string; limits?: UnpackLimits; log?: Logger }): Promise<UnpackResult> {
  const limits = { ...DEFAULT_UNPACK_LIMITS, ...opts.limits };
  const log = (opts.log ?? createLogger({ component: 'unpack' })).child({ target: opts.target });
  const hash = createHash('sha256');
  let bytes = 0;
  async function* counted(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    for await (const chunk of source) {
      bytes += chunk.length;
      if (bytes > limits.maxBytes) throw new LayerLimitError(`layer exceeds the limit of ${limits.maxBytes} uncompressed bytes`);
      hash.update(chunk);
      yield chunk;
    }
  }
  const writer = new LayerWriter(opts.target, limits, log);
  let entries = 0;
  try {
    for await (const entry of readTar(counted(await decompressed(input, opts.mediaType)))) {
      if (++entries > limits.maxEntries) throw new LayerLimitError(`layer exceeds the limit of ${limits.maxEntries} entries`);
      try {
        await writer.apply(entry.header, entry.body);
      } catch (err) {
        throw err instanceof BerthError || !(err instanceof Error) ? err : wrapError(err, `layer entry ${entry.header.name}`);
      }
    }
    writer.finish();
  } finally {
    input.destroy();
  }
  const diffId = `sha256:${hash.digest('hex')}`;
  log.debug({ diffId, entries, bytes }, 'layer unpacked');
  return { diffId, entries, bytes };
}
