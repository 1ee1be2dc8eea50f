import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { BerthError, NotFoundError } from '../../lib/errors';
import { parseDigest } from '../../lib/image/digest';
import { DigestMismatchError } from '../../lib/image/errors';
import { pidAlive } from './pid-alive';

/** Numbers temp files, so that two writes of one file in this process never share one. */
let putSeq = 0;

/** Opens the blob's bytes from `offset` on; `offset` in the answer is where they really start. */
export type BlobFetcher = (offset: number) => Promise<{ body: Readable; offset: number }>;

export interface IngestOptions {
  /** Called with the bytes written so far (resumed bytes included). */
  onProgress?: (written: number) => void;
  /**
   * Receives the whole blob as it streams (from byte 0, a resumed partial first). Its stream
   * ends only after the digest verified; on a mismatch it errors with DigestMismatchError, so
   * a consumer that commits on end (an unpacker) never commits unverified bytes. Called again
   * for the retry after a mismatch.
   */
  consume?: (body: Readable) => Promise<void>;
}

/** Another process holds the ingest lock and did not finish in time. */
export class IngestLockedError extends BerthError {}

/**
 * A content-addressed blob store, as containerd's content store:
 *
 * - **Provider**: `has(digest)`, `path(digest)`, `open(digest)`, `info(digest)` read committed
 *   blobs under `blobs/<alg>/<hex>`. A committed blob is immutable and always verified.
 * - **Ingester**: `ingest(desc, fetch)` streams bytes into `ingest/<hex>.partial`, hashing and
 *   counting as they arrive, then fsyncs and renames into `blobs/`: a crash leaves at most a
 *   partial, which the next ingest resumes (HTTP Range via `fetch(offset)`), never a
 *   half-written blob. A digest or size mismatch deletes the partial and retries once from
 *   zero, then fails with DigestMismatchError.
 * - **Manager**: `list()`, `delete(digest)` (garbage collection decides what to delete).
 *
 * Lifecycle of a layer: puller asks `has` → `ingest` (with `consume` teeing the verified
 * stream into the unpacker) → snapshot committed → later GC `delete`s it when no image refers
 * to it. Concurrent ingests of one digest are deduplicated: in-process by a map of running
 * ingests, across processes by an exclusive lock file `ingest/<hex>.lock` holding the PID.
 */
export class ContentStore {
  private readonly running = new Map<string, Promise<void>>();

  constructor(
    readonly root: string,
    private readonly opts: { fsync?: boolean; lockWaitMs?: number } = {},
  ) {
    fs.mkdirSync(path.join(root, 'blobs'), { recursive: true });
    fs.mkdirSync(path.join(root, 'ingest'), { recursive: true });
  }

  path(digest: string): string {
    const { algorithm, hex } = parseDigest(digest);
    return path.join(this.root, 'blobs', algorithm, hex);
  }

  has(digest: string): boolean {
    return fs.existsSync(this.path(digest));
  }

  async info(digest: string): Promise<{ digest: string; size: number }> {
    try {
      return { digest, size: (await fsp.stat(this.path(digest))).size };
    } catch {
      throw new NotFoundError(`blob ${digest} not found`);
    }
  }

  open(digest: string): Readable {
    return fs.createReadStream(this.path(digest), { highWaterMark: 1 << 20 });
  }

  async readAll(digest: string): Promise<Buffer> {
    return fsp.readFile(this.path(digest));
  }

  /** Stores small bytes already in memory (manifests, configs) after verifying them. */
  async put(digest: string, bytes: Buffer): Promise<void> {
    if (this.has(digest)) return;
    const { algorithm } = parseDigest(digest);
    const got = `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
    if (got !== digest) throw new DigestMismatchError(digest, got, 'put');
    // Unique per write: concurrent pulls of one image put the same manifest at once.
    const tmp = `${this.partialPath(digest)}.${process.pid}.${++putSeq}.put`;
    await fsp.writeFile(tmp, bytes);
    await this.commit(tmp, digest);
  }

  /** All committed blob digests. */
  async list(): Promise<string[]> {
    const out: string[] = [];
    for (const alg of await fsp.readdir(path.join(this.root, 'blobs')).catch(() => [])) {
      for (const hex of await fsp.readdir(path.join(this.root, 'blobs', alg))) out.push(`${alg}:${hex}`);
    }
    return out;
  }

  async delete(digest: string): Promise<void> {
    await fsp.rm(this.path(digest), { force: true });
  }

  /** Bytes of an interrupted ingest that a resume would keep (0 if none). */
  partialSize(digest: string): number {
    try {
      return fs.statSync(this.partialPath(digest)).size;
    } catch {
      return 0;
    }
  }

  /** Downloads a blob into the store once, however many callers ask at the same time. */
  async ingest(desc: { digest: string; size: number }, fetch: BlobFetcher, opts: IngestOptions = {}): Promise<void> {
    for (;;) {
      const inflight = this.running.get(desc.digest);
      if (!inflight) break;
      await inflight.catch(() => undefined);
    }
    if (this.has(desc.digest)) {
      opts.onProgress?.(desc.size);
      if (opts.consume) await opts.consume(this.open(desc.digest));
      return;
    }
    const run = this.ingestLocked(desc, fetch, opts);
    this.running.set(desc.digest, run);
    try {
      await run;
    } finally {
      this.running.delete(desc.digest);
    }
  }

  private async ingestLocked(desc: { digest: string; size: number }, fetch: BlobFetcher, opts: IngestOptions): Promise<void> {
    const release = await this.lock(desc.digest);
    try {
      if (this.has(desc.digest)) {
        // another process finished it while we waited for the lock
        opts.onProgress?.(desc.size);
        if (opts.consume) await opts.consume(this.open(desc.digest));
        return;
      }
      let mismatchRetried = false;
      for (let resumes = 0; ; ) {
        try {
          await this.attempt(desc, fetch, opts);
          return;
        } catch (err) {
          if (err instanceof DigestMismatchError && !mismatchRetried) {
            mismatchRetried = true;
            await fsp.rm(this.partialPath(desc.digest), { force: true });
          } else if (isInterruption(err) && resumes < MAX_RESUMES) {
            resumes++;
          } else {
            throw err;
          }
        }
      }
    } finally {
      await release();
    }
  }

  /** One pass: resume the partial, stream the rest, verify, commit. */
  private async attempt(desc: { digest: string; size: number }, fetch: BlobFetcher, opts: IngestOptions): Promise<void> {
    const { algorithm } = parseDigest(desc.digest);
    const partial = this.partialPath(desc.digest);
    const hash = createHash(algorithm);
    let written = 0;
    const tee = opts.consume ? new PassThrough({ highWaterMark: 1 << 20 }) : undefined;
    // The tee is destroyed with the download's error to stop the consumer, which may not be
    // reading yet (it empties its snapshot first): its 'error' must never go unheard, or it
    // would be an uncaught exception. The consumer still sees the stream fail.
    tee?.on('error', () => undefined);
    const consumed = opts.consume && tee ? opts.consume(tee) : undefined;
    // The consumer may fail first (a hostile layer, or corrupt bytes): the download goes on
    // so the digest can say which it was.
    let consumerError: unknown;
    void consumed?.catch((err: unknown) => {
      consumerError = err;
      tee?.destroy();
    });
    const forward = async (chunk: Buffer): Promise<void> => {
      if (!tee || consumerError !== undefined) return;
      if (!tee.write(chunk)) await Promise.race([once(tee, 'drain'), once(tee, 'close')]);
    };
    const fh = await fsp.open(partial, 'a+');
    // Body chunks are 16-64 KiB; one write each was a thread-pool round trip per chunk on the main
    // thread that also hashes and unpacks. The partial file stays a prefix of the blob (a killed
    // process loses at most the unwritten batch), and a resume re-hashes it from disk.
    const pending: Buffer[] = [];
    let pendingBytes = 0;
    const flush = async (): Promise<void> => {
      if (pendingBytes === 0) return;
      const batch = pending.splice(0);
      const want = pendingBytes;
      pendingBytes = 0;
      const { bytesWritten } = await fh.writev(batch);
      if (bytesWritten !== want) throw new BerthError(`${partial}: wrote ${bytesWritten} of ${want} bytes`);
    };
    try {
      // Re-hash (and re-feed) what an earlier, interrupted attempt already stored.
      const existing = (await fh.stat()).size;
      if (existing > desc.size) {
        await fh.truncate(0);
      } else if (existing > 0) {
        for await (const chunk of fs.createReadStream(partial, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
          hash.update(chunk);
          written += chunk.length;
          await forward(chunk);
        }
      }
      opts.onProgress?.(written);
      if (written < desc.size) {
        const { body, offset } = await fetch(written);
        let skip = written - offset; // the server ignored Range: drop what we already have
        try {
          for await (const raw of body as AsyncIterable<Buffer>) {
            let chunk = raw;
            if (skip > 0) {
              const n = Math.min(skip, chunk.length);
              skip -= n;
              chunk = chunk.subarray(n);
              if (chunk.length === 0) continue;
            }
            if (written + chunk.length > desc.size) {
              body.destroy();
              throw this.mismatch(desc, `more than ${desc.size} bytes`);
            }
            hash.update(chunk);
            pending.push(chunk);
            pendingBytes += chunk.length;
            if (pendingBytes >= WRITE_BATCH) await flush();
            written += chunk.length;
            opts.onProgress?.(written);
            await forward(chunk);
          }
        } finally {
          await flush(); // what came before a cut stays, so the retry resumes after it
        }
      }
      if (written !== desc.size) throw this.mismatch(desc, `${written} bytes, want ${desc.size}`, true);
      const got = `${algorithm}:${hash.digest('hex')}`;
      // Corrupt bytes usually break the unpacker first: the digest tells which failure is real.
      if (got !== desc.digest) throw this.mismatch(desc, got);
      if (consumerError !== undefined) {
        await fh.truncate(0);
        throw consumerError;
      }
      if (this.opts.fsync ?? true) await fh.sync();
    } catch (err) {
      tee?.destroy(err instanceof Error ? err : new Error(String(err)));
      await consumed?.catch(() => undefined);
      throw err;
    } finally {
      await fh.close();
    }
    await this.commit(partial, desc.digest);
    tee?.end();
    await consumed;
  }

  private mismatch(desc: { digest: string }, got: string, short = false): Error {
    // A short body is a cut connection, not bad bytes: keep the partial so a retry resumes.
    return short ? new TruncatedBlobError(`blob ${desc.digest}: stream ended early (${got})`) : new DigestMismatchError(desc.digest, got, 'blob');
  }

  private async commit(tmp: string, digest: string): Promise<void> {
    const dest = this.path(digest);
    await fsp.mkdir(path.dirname(dest), { recursive: true });
    await fsp.rename(tmp, dest);
  }

  private partialPath(digest: string): string {
    return path.join(this.root, 'ingest', `${parseDigest(digest).hex}.partial`);
  }

  /** Exclusive lock file per digest; a lock whose PID is gone is stolen. */
  private async lock(digest: string): Promise<() => Promise<void>> {
    const file = path.join(this.root, 'ingest', `${parseDigest(digest).hex}.lock`);
    const deadline = Date.now() + (this.opts.lockWaitMs ?? 30 * 60_000);
    for (;;) {
      try {
        const fh = await fsp.open(file, 'wx');
        await fh.writeFile(String(process.pid));
        await fh.close();
        return () => fsp.rm(file, { force: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const holder = Number(await fsp.readFile(file, 'utf8').catch(() => ''));
      if (!holder || !pidAlive(holder)) {
        await fsp.rm(file, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new IngestLockedError(`blob ${digest} is being fetched by process ${holder}`);
      await sleep(100);
    }
  }
}

/** The body ended before `size` bytes: the partial is kept for a resume. */
export class TruncatedBlobError extends BerthError {}

const MAX_RESUMES = 3;
/** Bytes of a blob download gathered before one write to its partial file. */
const WRITE_BATCH = 256 << 10;
const INTERRUPTION_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ERR_STREAM_PREMATURE_CLOSE']);

/** A transfer cut mid-body: resuming from the partial (HTTP Range) is the cure. */
function isInterruption(err: unknown): boolean {
  if (err instanceof TruncatedBlobError) return true;
  const e = err as { code?: string; name?: string };
  return (e.code !== undefined && INTERRUPTION_CODES.has(e.code)) || e.name === 'NoProgressError';
}
