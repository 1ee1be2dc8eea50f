/** The part of a gRPC server stream (a Node Writable) the outbox uses. */
export interface WatchStreamLike {
  write(chunk: Buffer, cb: () => void): boolean;
  end(): void;
  readonly writableLength: number;
  on(event: 'drain', listener: () => void): unknown;
}

/**
 * The events on their way to one watcher. While the stream is under backpressure (a slow
 * reader: HTTP/2 flow control holds the bytes), events wait here as references to the bytes
 * shared by every watcher of the change, instead of each being framed and copied into the
 * stream's buffer: with a few slow informers at 30,000 pods those copies were most of the
 * apiserver's memory.
 */
export class WatchOutbox {
  private readonly queue: (Buffer | undefined)[] = [];
  private head = 0;
  private blocked = false;
  private endWhenEmpty = false;
  private flushed = 0;
  private flushedSeen = 0;
  private lastProgress: number;

  constructor(
    private readonly stream: WatchStreamLike,
    now: number,
  ) {
    this.lastProgress = now;
    stream.on('drain', () => this.pump());
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
    if (this.blocked) this.queue.push(bytes);
    else this.write(bytes);
  }

  /** Ends the stream once everything queued has been written. */
  end(): void {
    if (this.queue.length === this.head) this.stream.end();
    else this.endWhenEmpty = true;
  }

  private write(bytes: Buffer): void {
    if (!this.stream.write(bytes, () => this.flushed++)) this.blocked = true;
  }

  private pump(): void {
    this.blocked = false;
    while (!this.blocked && this.head < this.queue.length) {
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
