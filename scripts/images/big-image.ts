// Big images for benchmarks: N layers of M MiB of deterministic pseudo-random (incompressible)
// bytes, one file per layer. Version 2 of an image shares all but its last layer with version 1.
import { createCipheriv, createHash } from 'node:crypto';
import * as path from 'node:path';
import { LayoutWriter, type LayerDescriptor } from './oci-layout';
import type { BuiltImage } from './build';

export interface BigImageOptions {
  layers: number;
  layerMiB: number;
  /** 1 or 2: version 2 replaces only the top layer */
  version?: number;
  seed?: string;
  repo?: string;
}

const CHUNK = 1 << 20;

/** Adds a big image to the layout in `outDir/layout` (created if missing). */
export async function buildBigImage(outDir: string, opts: BigImageOptions): Promise<BuiltImage & { layout: string }> {
  const layout = path.join(outDir, 'layout');
  const w = new LayoutWriter(layout);
  const version = opts.version ?? 1;
  const repo = opts.repo ?? 'big';
  const layers: LayerDescriptor[] = [];
  for (let i = 0; i < opts.layers; i++) {
    const stream = i === opts.layers - 1 ? `${i}-v${version}` : String(i);
    const size = opts.layerMiB * CHUNK;
    layers.push(
      await w.addLayer(
        [
          { name: 'data', type: 'dir', mode: 0o755 },
          { name: `data/layer-${i}.bin`, type: 'file', mode: 0o644, data: { size, chunks: () => randomChunks(`${opts.seed ?? 'berth'}/${stream}`, size) } },
        ],
        { gzipLevel: 1 },
      ),
    );
  }
  const tag = `v${version}`;
  const run = { Cmd: ['/bin/sh'] };
  const result = w.addImage(`${repo}-${tag}`, layers, run);
  w.finish();
  return { layout, repo, tag, ref: `${repo}-${tag}`, manifest: result.manifest, layers, run };
}

/** AES-256-CTR keystream of a seed: fast, deterministic, incompressible. */
function* randomChunks(seed: string, size: number): Generator<Buffer> {
  const key = createHash('sha256').update(seed).digest();
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  const zeros = Buffer.alloc(CHUNK);
  for (let left = size; left > 0; left -= CHUNK) yield cipher.update(left >= CHUNK ? zeros : zeros.subarray(0, left));
}
