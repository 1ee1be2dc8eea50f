// Writes OCI image layouts (image-layout spec): blobs/sha256/<hex>, oci-layout, index.json.
// Everything is deterministic: fixed timestamps, sorted JSON inputs, gzip without a name or
// mtime in its header (Node's zlib writes mtime 0, like `gzip -n`), single-threaded zstd.
import { spawn } from 'node:child_process';
import { createHash, type Hash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import { tarChunks, type TarEntrySpec } from './tar-writer';

export const MT = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layerTar: 'application/vnd.oci.image.layer.v1.tar',
  layerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  layerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
} as const;

export const CREATED = '2020-01-01T00:00:00Z';
const REF_NAME = 'org.opencontainers.image.ref.name';

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
  annotations?: Record<string, string>;
}

export interface Platform {
  architecture: string;
  os: string;
  variant?: string;
}

export interface LayerDescriptor extends Descriptor {
  /** sha256 of the uncompressed tar */
  diffId: string;
}

export type Compression = 'gzip' | 'zstd' | 'none';

/** The runtime part of an image config (OCI image config `config` object). */
export interface RunConfig {
  Entrypoint?: string[];
  Cmd?: string[];
  Env?: string[];
  WorkingDir?: string;
  User?: string;
  ExposedPorts?: Record<string, Record<string, never>>;
}

export interface ImageResult {
  manifest: Descriptor;
  config: Descriptor;
  layers: LayerDescriptor[];
}

export class LayoutWriter {
  private readonly refs = new Map<string, Descriptor>();
  private readonly blobs: string;

  /** Opens `dir`, keeping the tags of an existing layout there. */
  constructor(readonly dir: string) {
    this.blobs = path.join(dir, 'blobs', 'sha256');
    fs.mkdirSync(this.blobs, { recursive: true });
    fs.writeFileSync(path.join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    const index = path.join(dir, 'index.json');
    if (!fs.existsSync(index)) return;
    for (const d of (JSON.parse(fs.readFileSync(index, 'utf8')) as { manifests: Descriptor[] }).manifests) {
      const ref = d.annotations?.[REF_NAME];
      if (ref !== undefined) this.refs.set(ref, d);
    }
  }

  /** Streams a tar of `entries` through the compressor into a blob. */
  async addLayer(entries: Iterable<TarEntrySpec>, opts: { compression?: Compression; endBlocks?: boolean; gzipLevel?: number } = {}): Promise<LayerDescriptor> {
    const compression = opts.compression ?? 'gzip';
    const diff = createHash('sha256');
    const tar = Readable.from(tap(tarChunks(entries, { endBlocks: opts.endBlocks }), diff), { objectMode: false });
    const mediaType = compression === 'gzip' ? MT.layerGzip : compression === 'zstd' ? MT.layerZstd : MT.layerTar;
    const desc = await this.writeBlob(mediaType, async (out) => {
      if (compression === 'gzip') await pipeline(tar, zlib.createGzip({ level: opts.gzipLevel ?? 6 }), out);
      else if (compression === 'zstd') await zstdCompress(tar, out);
      else await pipeline(tar, out);
    });
    return { ...desc, diffId: `sha256:${diff.digest('hex')}` };
  }

  addJson(mediaType: string, value: unknown): Descriptor {
    return this.addBytes(mediaType, Buffer.from(JSON.stringify(value)));
  }

  addBytes(mediaType: string, bytes: Buffer): Descriptor {
    const digest = createHash('sha256').update(bytes).digest('hex');
    fs.writeFileSync(path.join(this.blobs, digest), bytes);
    return { mediaType, digest: `sha256:${digest}`, size: bytes.length };
  }

  /** Writes config + manifest for `layers` (bottom to top) and, if `ref` is given, tags it. */
  addImage(ref: string | null, layers: LayerDescriptor[], run: RunConfig, platform: Platform = { architecture: 'amd64', os: 'linux' }): ImageResult {
    const config = this.addJson(MT.config, {
      created: CREATED,
      architecture: platform.architecture,
      ...(platform.variant ? { variant: platform.variant } : {}),
      os: platform.os,
      config: run,
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
      history: layers.map(() => ({ created: CREATED, created_by: 'berth scripts/images' })),
    });
    const manifest = this.addJson(MT.manifest, {
      schemaVersion: 2,
      mediaType: MT.manifest,
      config: strip(config),
      layers: layers.map(strip),
    });
    if (ref !== null) this.tag(ref, manifest);
    return { manifest, config, layers };
  }

  addIndex(ref: string, manifests: Array<{ manifest: Descriptor; platform: Platform }>): Descriptor {
    const index = this.addJson(MT.index, {
      schemaVersion: 2,
      mediaType: MT.index,
      manifests: manifests.map((m) => ({ ...strip(m.manifest), platform: m.platform })),
    });
    this.tag(ref, index);
    return index;
  }

  tag(ref: string, desc: Descriptor): void {
    this.refs.set(ref, desc);
  }

  /** Writes index.json listing every tagged descriptor (sorted by tag). */
  finish(): void {
    const manifests = [...this.refs].sort(([a], [b]) => (a < b ? -1 : 1)).map(([ref, d]) => ({ ...strip(d), annotations: { [REF_NAME]: ref } }));
    fs.writeFileSync(path.join(this.dir, 'index.json'), JSON.stringify({ schemaVersion: 2, mediaType: MT.index, manifests }));
  }

  private async writeBlob(mediaType: string, write: (out: NodeJS.WritableStream) => Promise<void>): Promise<Descriptor> {
    const hash = createHash('sha256');
    const tmp = path.join(this.blobs, `.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`);
    let size = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _enc, cb: TransformCallback) {
        hash.update(chunk);
        size += chunk.length;
        cb(null, chunk);
      },
    });
    const file = fs.createWriteStream(tmp);
    const done = pipeline(counter, file);
    await write(counter);
    await done;
    const digest = hash.digest('hex');
    fs.renameSync(tmp, path.join(this.blobs, digest));
    return { mediaType, digest: `sha256:${digest}`, size };
  }
}

function strip(d: Descriptor): Descriptor {
  return { mediaType: d.mediaType, digest: d.digest, size: d.size };
}

function* tap(chunks: Iterable<Buffer>, hash: Hash): Generator<Buffer> {
  for (const c of chunks) {
    hash.update(c);
    yield c;
  }
}

async function zstdCompress(input: Readable, out: NodeJS.WritableStream): Promise<void> {
  const child = spawn('zstd', ['-q', '-c', '-3', '-T1'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  await Promise.all([pipeline(input, child.stdin), pipeline(child.stdout, out as NodeJS.WritableStream & Transform)]);
  const code = await exited;
  if (code !== 0) throw new Error(`zstd exited with ${code}`);
}
