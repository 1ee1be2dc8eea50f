import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { BerthError } from '../../lib/errors';
import { DigestMismatchError } from '../../lib/image/errors';
import type { Descriptor } from '../../lib/image/manifest';
import { formatPlatform, hostPlatform, type Platform } from '../../lib/image/platform';
import type { Reference } from '../../lib/image/reference';
import type { RegistryClient, ResolvedImage } from '../../lib/image/registry-client';
import { createLogger, type Logger } from '../../lib/log';
import { chainIds } from '../snapshot/chain-id';
import type { ContentStore } from './content-store';
import type { ImageRecord, ImageStore, LayerRecord } from './image-store';
import { unpackLayer } from './unpack';

/** The part of C2's Snapshotter a pull needs. */
export interface LayerSnapshots {
  has(chainId: string): boolean;
  /** Runs `fill` on a temp dir and renames it into place; single-flight per chain id. */
  prepare(chainId: string, fill: (dir: string) => Promise<void>): Promise<string>;
}

export type LayerStatus = 'waiting' | 'exists' | 'downloading' | 'complete';

export type PullEvent =
  | { type: 'resolved'; ref: Reference; digest: string; layers: Array<{ digest: string; size: number }> }
  | { type: 'layer'; digest: string; status: LayerStatus; current: number; total: number };

export interface PullOptions {
  platform?: Platform;
  /** Layers fetched at once. Default 3 (as dockerd's max-concurrent-downloads). */
  concurrency?: number;
  onProgress?: (ev: PullEvent) => void;
  signal?: AbortSignal;
}

export interface PullResult {
  record: ImageRecord;
  /** Compressed bytes downloaded from the registry for layers in this pull. */
  bytesFetched: number;
  /** Layers that were already there. */
  layersExisting: number;
}

/** A layer unpacked to content other than its config's diff_id says. */
export class DiffIdMismatchError extends DigestMismatchError {}

/**
 * Pulls an image: resolve → config → layers in parallel (bounded). Each layer's verified
 * bytes stream into the content store and, at the same time, into the unpacker filling the
 * snapshot; the snapshot is committed only after both the blob digest and the unpacked
 * diff_id check out, so nothing unverified is ever trusted by a later pull.
 */
export class Puller {
  private readonly log: Logger;

  constructor(
    private readonly deps: { client: RegistryClient; content: ContentStore; snapshots: LayerSnapshots; images: ImageStore; logger?: Logger },
  ) {
    this.log = (deps.logger ?? createLogger()).child({ component: 'puller' });
  }

  async pull(ref: Reference, opts: PullOptions = {}): Promise<PullResult> {
    const platform = opts.platform ?? hostPlatform();
    const resolved = await this.deps.client.resolve(ref, platform, opts.signal);
    const { manifest, config } = resolved;
    const diffIds = config.rootfs.diff_ids;
    const chains = chainIds(diffIds);
    const log = this.log.child({ ref: ref.full(), digest: resolved.digest });
    opts.onProgress?.({ type: 'resolved', ref: resolved.ref, digest: resolved.digest, layers: manifest.layers.map((l) => ({ digest: l.digest, size: l.size })) });

    const release = await this.deps.images.holdPull(`pull-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`, [resolved.manifestDigest, resolved.configDigest, ...manifest.layers.map((l) => l.digest)], chains);
    try {
      let bytesFetched = 0;
      let layersExisting = 0;
      const layers: LayerRecord[] = manifest.layers.map((l, i) => ({ digest: l.digest, size: l.size, mediaType: l.mediaType, diffId: diffIds[i], chainId: chains[i] }));
      await runBounded(layers, opts.concurrency ?? 3, async (layer) => {
        const emit = (status: LayerStatus, current: number): void => opts.onProgress?.({ type: 'layer', digest: layer.digest, status, current, total: layer.size });
        if (this.deps.snapshots.has(layer.chainId) && this.deps.content.has(layer.digest)) {
          layersExisting++;
          emit('exists', layer.size);
          return;
        }
        const before = this.deps.content.partialSize(layer.digest);
        const hadBlob = this.deps.content.has(layer.digest);
        await this.fetchLayer(ref, layer, (n) => emit('downloading', n), opts.signal);
        if (!hadBlob) bytesFetched += layer.size - before;
        emit('complete', layer.size);
      });
      await this.deps.content.put(resolved.manifestDigest, resolved.manifestBytes);
      await this.deps.content.put(resolved.configDigest, resolved.configBytes);
      const record = await this.deps.images.save(toRecord(resolved, layers, formatPlatform(platform)), ref);
      log.info({ layers: layers.length, layersExisting, bytesFetched }, 'pulled');
      return { record, bytesFetched, layersExisting };
    } finally {
      await release();
    }
  }

  /** Blob download and unpack in one pass; either alone when the other half already exists. */
  private async fetchLayer(ref: Reference, layer: LayerRecord, onBytes: (n: number) => void, signal?: AbortSignal): Promise<void> {
    const fetch = (offset: number): Promise<{ body: Readable; offset: number }> => this.deps.client.openBlob(ref, layer.digest, { offset, signal });
    const desc: Pick<Descriptor, 'digest' | 'size'> = { digest: layer.digest, size: layer.size };
    if (this.deps.snapshots.has(layer.chainId)) {
      await this.deps.content.ingest(desc, fetch, { onProgress: onBytes });
      return;
    }
    await this.deps.snapshots.prepare(layer.chainId, (dir) =>
      this.deps.content.ingest(desc, fetch, {
        onProgress: onBytes,
        consume: async (body) => {
          await emptyDir(dir); // a retried attempt starts from a clean snapshot
          const { diffId } = await unpackLayer(body, { mediaType: layer.mediaType, target: dir });
          if (diffId !== layer.diffId) throw new DiffIdMismatchError(layer.diffId, diffId, `layer ${layer.digest} unpacked`);
        },
      }),
    );
  }
}

function toRecord(r: ResolvedImage, layers: LayerRecord[], platform: string): ImageRecord {
  const c = r.config.config ?? {};
  return {
    names: [],
    digest: r.digest,
    manifestDigest: r.manifestDigest,
    configDigest: r.configDigest,
    mediaType: r.mediaType,
    platform,
    layers,
    config: {
      Entrypoint: c.Entrypoint ?? undefined,
      Cmd: c.Cmd ?? undefined,
      Env: c.Env,
      WorkingDir: c.WorkingDir,
      User: c.User,
      ExposedPorts: c.ExposedPorts ? Object.keys(c.ExposedPorts) : undefined,
      Labels: c.Labels,
      StopSignal: c.StopSignal,
    },
    sizeBytes: r.manifest.config.size + layers.reduce((n, l) => n + l.size, 0),
    pulledAt: new Date().toISOString(),
  };
}

async function emptyDir(dir: string): Promise<void> {
  for (const entry of await fsp.readdir(dir)) await fsp.rm(path.join(dir, entry), { recursive: true, force: true });
}

/** Runs `work` over `items` with at most `limit` at once; the first failure stops new work and rejects. */
export async function runBounded<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  if (limit < 1) throw new BerthError(`concurrency must be at least 1, got ${limit}`);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const item = items[next++];
      try {
        await work(item);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
