import { varintSize, writeVarint } from './proto-wire';

/** The part of a gRPC server stream (a Node Writable) the outbox uses. */
export interface WatchStreamLike {
  write(chunk: Buffer, cb: () => void): boolean;
  end(): void;
  readonly writableLength: number;
  on(event: 'drain', listener: () => void): unknown;
}

/** A batch message holds at most this many bytes of events (clients accept 4 MiB by default). */
const MAX_BATCH_BYTES = 256 * 1024;
/**
 * Bytes handed to the stream and not yet flushed, per watcher, before the outbox holds back.
 * grpc-js's stream counts messages, not bytes (16 before it reports backpressure): with batch
 * messages of up to 1 MiB, ten slow informers at 30,000 pods held about 170 MB of copies in their
 * streams. Beyond this bound events wait as references to the shared bytes.
 */
const MAX_UNFLUSHED_BYTES = 512 * 1024;
/** WatchEvent.events (field 4, length-delimited). */
const EVENTS_TAG = (4 << 3) | 2;

/**
 * One WatchEvent message carrying `events` (each an encoded WatchEvent) in its repeated
 * `events` field: the encoded events are concatenated with their tags, nothing re-encoded.
 */
export function batchMessage(events: Buffer[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of events) {
    const prefix = Buffer.allocUnsafe(1 + varintSize(e.length));
    prefix[0] = EVENTS_TAG;
    writeVarint(prefix, 1, e.length);
    parts.push(prefix, e);
  }
  return Buffer.concat(parts);
}

/**
 * The events on their way to one watcher. While the stream is under backpressure (a slow
 * reader: HTTP/2 flow control holds the bytes), events wait here as references to the bytes
 * shared by every watcher of the change, instead of each being framed and copied into the
 * stream's buffer: with a few slow informers at 30,000 pods those copies were most of the
 * apiserver's memory. For a client that reads batches, the events of one loop turn, and
 * those that waited, leave as one message: every message costs a gRPC frame, an HTTP/2
 * frame and a write here and a read and a callback in the client.
 */
export class WatchOutbox {
  private readonly queue: (Buffer | undefined)[] = [];
  private head = 0;
  /** The stream reported backpressure; cleared by its 'drain'. */
  private blocked = false;
  private unflushedBytes = 0;
  private endWhenEmpty = false;
  private flushScheduled = false;
  private flushed = 0;
  private flushedSeen = 0;
  private lastProgress: number;

  constructor(
    private readonly stream: WatchStreamLike,
    now: number,
    private readonly batches = false,
  ) {
    this.lastProgress = now;
    stream.on('drain', () => {
      this.blocked = false;
      this.pump();
    });
  }

  private canWrite(): boolean {
    return !this.blocked && this.unflushedBytes < MAX_UNFLUSHED_BYTES;
  }

  /** Events waiting, here and in the stream. */
  get queued(): number {
    return this.queue.length - this.head + this.stream.writableLength;
  }

  /** How long nothing has been flushed to the watcher (0 while it reads). */
  stalledFor(now: number): number {
    if (this.flushed !== this.flushedSeen) {
      this.flushedSeen = this.flushed;
      this.lastProgress = now;
    }
    return now - this.lastProgress;
  }

  send(bytes: Buffer): void {
    if (!this.batches) {
      if (this.canWrite() && this.head === this.queue.length) this.write(bytes);
      else this.queue.push(bytes);
      return;
    }
    this.queue.push(bytes);
    if (this.canWrite() && !this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        this.pump();
      });
    }
  }

  private takeBatch(): Buffer[] {
    const batch: Buffer[] = [];
    let bytes = 0;
    while (this.head < this.queue.length) {
      const next = this.queue[this.head] as Buffer;
      if (batch.length > 0 && bytes + next.length > MAX_BATCH_BYTES) break;
      batch.push(next);
      bytes += next.length + 6;
      this.queue[this.head++] = undefined;
    }
    return batch;
  }

  /** Ends the stream once everything queued has been written. */
  end(): void {
    if (this.queue.length === this.head) this.stream.end();
    else this.endWhenEmpty = true;
  }

  private write(bytes: Buffer): void {
    const n = bytes.length;
    this.unflushedBytes += n;
    const more = this.stream.write(bytes, () => {
      this.flushed++;
      const wasHeld = !this.canWrite();
      this.unflushedBytes -= n;
      if (wasHeld && this.canWrite()) this.pump();
    });
    if (!more) this.blocked = true;
  }

  private pump(): void {
    while (this.canWrite() && this.head < this.queue.length) {
      if (this.batches && this.queue.length - this.head > 1) {
        this.write(batchMessage(this.takeBatch()));
        continue;
      }
      const bytes = this.queue[this.head] as Buffer;
      this.queue[this.head++] = undefined;
      this.write(bytes);
    }
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
      if (this.endWhenEmpty) this.stream.end();
    } else if (this.head > 4096) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
  }
}
