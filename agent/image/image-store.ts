import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { ConflictError, NotFoundError } from '../../lib/errors';
import { parseDigest } from '../../lib/image/digest';
import { parseReference, type Reference } from '../../lib/image/reference';
import { pidAlive } from './pid-alive';

/** Numbers temp files, so that two writes of one file in this process never share one. */
let tmpSeq = 0;

/** A directory unchanged for this long has a trustworthy mtime (file times tick coarsely). */
const STABLE_DIR_MS = 100;

/** One layer of a pulled image, bottom first. */
export interface LayerRecord {
  digest: string;
  size: number;
  mediaType: string;
  diffId: string;
  chainId: string;
}

/** What a node keeps about a pulled image: names, digests, layers and the runtime config. */
export interface ImageRecord {
  /** Full references naming this image: "docker.io/library/ubuntu:14.04". */
  names: string[];
  /** The digest the tag pointed to (an index for multi-platform images): what pods pin. */
  digest: string;
  manifestDigest: string;
  configDigest: string;
  mediaType: string;
  platform: string;
  layers: LayerRecord[];
  config: {
    Entrypoint?: string[];
    Cmd?: string[];
    Env?: string[];
    WorkingDir?: string;
    User?: string;
    ExposedPorts?: string[];
    Labels?: Record<string, string>;
    StopSignal?: string;
  };
  /** Compressed layers plus config: what the registry transfer costs. */
  sizeBytes: number;
  pulledAt: string;
}

/** The node-status summary of one image. */
export interface ImageSummary {
  names: string[];
  digest: string;
  sizeBytes: number;
  layers: Array<{ digest: string; size: number }>;
}

/** An image is held by a container (or a running pull) and cannot be removed. */
export class ImageInUseError extends ConflictError {}

/** A lease file: what a container or an in-flight pull keeps alive. */
interface Lease {
  /** Image records (by manifest digest) a container runs. */
  images?: string[];
  /** Blobs and snapshots an in-flight pull is still writing. */
  blobs?: string[];
  snapshots?: string[];
  /** For pull leases: dropped when this process is gone. */
  pid?: number;
}

/**
 * Image records and leases: small JSON files under `<root>/images/<hex of manifest digest>.json`
 * and `<root>/leases/<id>.json`, each written to a temp file and renamed. Why files and not a
 * database: a node holds tens of images, the records must survive a crash whole or not at
 * all (rename is atomic), and an operator can read them with `cat`. Name lookups scan the
 * directory; a name (tag) belongs to one record at a time and moves on re-pull.
 */
export class ImageStore {
  private readonly imagesDir: string;
  private readonly leasesDir: string;
  /** The records as last read, with the images directory's mtime then. */
  private cached: { mtimeNs: bigint; records: ImageRecord[] } | undefined;

  constructor(readonly root: string) {
    this.imagesDir = path.join(root, 'images');
    this.leasesDir = path.join(root, 'leases');
    fs.mkdirSync(this.imagesDir, { recursive: true });
    fs.mkdirSync(this.leasesDir, { recursive: true });
  }

  async list(): Promise<ImageRecord[]> {
    // Every pod sync looks its images up: the records are read again only when the directory
    // changed (each write is a rename into it, each removal an unlink). A directory changed
    // within the last moments may change again within one timestamp tick: it is not trusted.
    const st = await fsp.stat(this.imagesDir, { bigint: true });
    if (this.cached?.mtimeNs === st.mtimeNs) return [...this.cached.records];
    const records = await this.readAll();
    if (Date.now() - Number(st.mtimeMs) > STABLE_DIR_MS) this.cached = { mtimeNs: st.mtimeNs, records };
    return [...records];
  }

  private async readAll(): Promise<ImageRecord[]> {
    const out: ImageRecord[] = [];
    for (const f of await fsp.readdir(this.imagesDir)) {
      if (!f.endsWith('.json')) continue;
      try {
        out.push(JSON.parse(await fsp.readFile(path.join(this.imagesDir, f), 'utf8')) as ImageRecord);
      } catch {
        // removed concurrently
      }
    }
    return out.sort((a, b) => (a.names[0] ?? a.manifestDigest).localeCompare(b.names[0] ?? b.manifestDigest));
  }

  async listImages(): Promise<ImageSummary[]> {
    return (await this.list()).map((r) => ({ names: r.names, digest: r.digest, sizeBytes: r.sizeBytes, layers: r.layers.map((l) => ({ digest: l.digest, size: l.size })) }));
  }

  /**
   * Finds an image by reference ("ubuntu:14.04", "app@sha256:…", which may be the index or
   * manifest digest) or by a bare digest / digest prefix of at least 12 hex digits.
   */
  async find(nameOrDigest: string): Promise<ImageRecord | undefined> {
    const all = await this.list();
    const hexPrefix = /^(sha256:)?([0-9a-f]{12,64})$/.exec(nameOrDigest)?.[2];
    if (hexPrefix) {
      const hit = all.find((r) => [r.digest, r.manifestDigest, r.configDigest].some((d) => d.slice(7).startsWith(hexPrefix)));
      if (hit) return hit;
    }
    const ref = parseReference(nameOrDigest);
    if (ref.digest) return all.find((r) => (r.digest === ref.digest || r.manifestDigest === ref.digest) && r.names.some((n) => parseReference(n).name === ref.name)) ?? all.find((r) => r.digest === ref.digest || r.manifestDigest === ref.digest);
    return all.find((r) => r.names.includes(ref.full()));
  }

  async get(nameOrDigest: string): Promise<ImageRecord> {
    const r = await this.find(nameOrDigest);
    if (!r) throw new NotFoundError(`image ${nameOrDigest} not found`);
    return r;
  }

  /** Saves a pulled image under `name`, taking the name away from any other record. */
  async save(record: ImageRecord, name: Reference): Promise<ImageRecord> {
    const fullName = name.tag !== undefined ? `${name.name}:${name.tag}` : `${name.name}@${record.digest}`;
    for (const other of await this.list()) {
      if (other.manifestDigest !== record.manifestDigest && other.names.includes(fullName)) {
        await this.write({ ...other, names: other.names.filter((n) => n !== fullName) });
      }
    }
    const existing = await this.readRecord(record.manifestDigest);
    const names = [...new Set([...(existing?.names ?? []), ...record.names, fullName])].sort();
    const merged = { ...record, names };
    // A re-pull of what is stored (every start of a `:latest` pod) changes nothing: no write, no fsync.
    if (existing && JSON.stringify(existing) === JSON.stringify(merged)) return existing;
    await this.write(merged);
    return merged;
  }

  /** Removes a name; the record goes when its last name does, unless a container holds it. */
  async remove(nameOrDigest: string): Promise<{ untagged: string[]; deleted?: string }> {
    const rec = await this.get(nameOrDigest);
    const byName = rec.names.find((n) => n === safeFull(nameOrDigest));
    if (byName && rec.names.length > 1) {
      await this.write({ ...rec, names: rec.names.filter((n) => n !== byName) });
      return { untagged: [byName] };
    }
    const holders = await this.holders(rec.manifestDigest);
    if (holders.length > 0) throw new ImageInUseError(`image ${rec.names[0] ?? rec.manifestDigest} is in use by ${holders.join(', ')}`);
    await fsp.rm(this.recordPath(rec.manifestDigest), { force: true });
    return { untagged: rec.names, deleted: rec.manifestDigest };
  }

  /** Containers register the image they run; GC and `remove` respect it. */
  async holdImage(holderId: string, manifestDigest: string): Promise<void> {
    await this.writeLease(holderId, { images: [manifestDigest] });
  }

  async releaseImage(holderId: string): Promise<void> {
    await fsp.rm(this.leasePath(holderId), { force: true });
  }

  /** An in-flight pull protects what it writes from a concurrent GC until it saves its record. */
  async holdPull(holderId: string, blobs: string[], snapshots: string[]): Promise<() => Promise<void>> {
    await this.writeLease(holderId, { blobs, snapshots, pid: process.pid });
    return () => this.releaseImage(holderId);
  }

  /** Everything images and live leases keep: GC deletes the rest. */
  async referenced(): Promise<{ images: Set<string>; blobs: Set<string>; snapshots: Set<string> }> {
    const images = new Set<string>();
    const blobs = new Set<string>();
    const snapshots = new Set<string>();
    for (const r of await this.list()) {
      images.add(r.manifestDigest);
      for (const d of [r.digest, r.manifestDigest, r.configDigest]) blobs.add(d);
      for (const l of r.layers) {
        blobs.add(l.digest);
        snapshots.add(l.chainId);
      }
    }
    for (const lease of await this.leases()) {
      lease.blobs?.forEach((b) => blobs.add(b));
      lease.snapshots?.forEach((s) => snapshots.add(s));
    }
    return { images, blobs, snapshots };
  }

  /** Manifest digests of images some container holds. */
  async heldImages(): Promise<Set<string>> {
    const out = new Set<string>();
    for (const lease of await this.leases()) lease.images?.forEach((d) => out.add(d));
    return out;
  }

  private async holders(manifestDigest: string): Promise<string[]> {
    const out: string[] = [];
    for (const f of await fsp.readdir(this.leasesDir)) {
      const lease = await this.readLease(f);
      if (lease?.images?.includes(manifestDigest)) out.push(f.replace(/\.json$/, ''));
    }
    return out;
  }

  private async leases(): Promise<Lease[]> {
    const out: Lease[] = [];
    for (const f of await fsp.readdir(this.leasesDir)) {
      const lease = await this.readLease(f);
      if (lease) out.push(lease);
    }
    return out;
  }

  private async readLease(file: string): Promise<Lease | undefined> {
    if (!file.endsWith('.json')) return undefined;
    try {
      const lease = JSON.parse(await fsp.readFile(path.join(this.leasesDir, file), 'utf8')) as Lease;
      if (lease.pid !== undefined && !pidAlive(lease.pid)) return undefined;
      return lease;
    } catch {
      return undefined;
    }
  }

  private async readRecord(manifestDigest: string): Promise<ImageRecord | undefined> {
    try {
      return JSON.parse(await fsp.readFile(this.recordPath(manifestDigest), 'utf8')) as ImageRecord;
    } catch {
      return undefined;
    }
  }

  private recordPath(manifestDigest: string): string {
    return path.join(this.imagesDir, `${parseDigest(manifestDigest).hex}.json`);
  }

  private leasePath(holderId: string): string {
    if (!/^[\w.-]+$/.test(holderId)) throw new NotFoundError(`invalid lease holder id "${holderId}"`);
    return path.join(this.leasesDir, `${holderId}.json`);
  }

  private async write(record: ImageRecord): Promise<void> {
    await writeAtomic(this.recordPath(record.manifestDigest), JSON.stringify(record, null, 2));
  }

  private async writeLease(holderId: string, lease: Lease): Promise<void> {
    // Not fsynced (one per container start, a burst's worth queued on libuv's few threads): a
    // renamed file survives any crash of this process, and a crash of the machine ends the
    // containers the lease was keeping their image for.
    await writeAtomic(this.leasePath(holderId), JSON.stringify(lease), false);
  }
}

async function writeAtomic(file: string, text: string, durable = true): Promise<void> {
  // Unique per write: concurrent pulls of one image write the same record at once.
  const tmp = `${file}.${process.pid}.${++tmpSeq}.tmp`;
  const fh = await fsp.open(tmp, 'w');
  try {
    await fh.writeFile(text);
    if (durable) await fh.sync();
  } finally {
    await fh.close();
  }
  await fsp.rename(tmp, file);
}

function safeFull(ref: string): string | undefined {
  try {
    return parseReference(ref).full();
  } catch {
    return undefined;
  }
}
