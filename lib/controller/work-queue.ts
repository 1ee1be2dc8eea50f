import { realClock, type Clock } from './clock';
import { ExponentialBackoff } from './rate-limiter';

/**
 * A work queue of object keys with client-go's guarantees (STYLE.md 2):
 * - a key queued many times is processed once (dedupe while waiting);
 * - a key is never handed to two workers at once: adding a key that is being processed marks it
 *   dirty, and `done()` puts it back;
 * - `addRateLimited` retries with per-key exponential backoff (5 ms → 1000 s), `forget` resets it;
 * - `addAfter` delays a key (the earliest pending time wins).
 *
 * Lifecycle: producers `add`; each worker loops `get()` → sync → `forget`/`addRateLimited` →
 * `done(key)`; `shutDown()` makes waiting and future `get()` calls return undefined.
 */
export class WorkQueue {
  private queue: string[] = [];
  private head = 0;
  private dirty = new Set<string>();
  private processing = new Set<string>();
  private waiters: ((key: string | undefined) => void)[] = [];
  private delayed = new Map<string, { at: number; handle: unknown }>();
  private shuttingDown = false;

  constructor(
    readonly name: string,
    private readonly limiter = new ExponentialBackoff(),
    private readonly clock: Clock = realClock,
  ) {}

  add(key: string): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    this.push(key);
  }

  addAfter(key: string, ms: number): void {
    if (this.shuttingDown) return;
    if (ms <= 0) return this.add(key);
    const at = this.clock.now() + ms;
    const pending = this.delayed.get(key);
    if (pending && pending.at <= at) return;
    if (pending) this.clock.clearTimeout(pending.handle);
    const handle = this.clock.setTimeout(() => {
      this.delayed.delete(key);
      this.add(key);
    }, ms);
    this.delayed.set(key, { at, handle });
  }

  addRateLimited(key: string): void {
    this.addAfter(key, this.limiter.when(key));
  }

  forget(key: string): void {
    this.limiter.forget(key);
  }

  numRequeues(key: string): number {
    return this.limiter.numRequeues(key);
  }

  /** The next key to process (marked processing), or undefined once shut down. */
  get(): Promise<string | undefined> {
    const key = this.take();
    if (key !== undefined || this.shuttingDown) return Promise.resolve(key);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /**
   * Up to `max` keys at once, waiting for the first: batch consumers (the scheduler's binder)
   * take what is ready without waiting for more. Every key returned must be `done`.
   */
  async getBatch(max: number): Promise<string[]> {
    const first = await this.get();
    if (first === undefined) return [];
    const keys = [first];
    for (let k = this.take(); k !== undefined; k = keys.length < max ? this.take() : undefined) {
      keys.push(k);
      if (keys.length >= max) break;
    }
    return keys;
  }

  done(key: string): void {
    this.processing.delete(key);
    if (this.dirty.has(key)) this.push(key);
  }

  get length(): number {
    return this.queue.length - this.head;
  }

  shutDown(): void {
    this.shuttingDown = true;
    for (const d of this.delayed.values()) this.clock.clearTimeout(d.handle);
    this.delayed.clear();
    for (const w of this.waiters.splice(0)) w(undefined);
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  private push(key: string): void {
    const waiter = this.waiters.shift();
    if (waiter) {
      this.dirty.delete(key);
      this.processing.add(key);
      waiter(key);
      return;
    }
    this.queue.push(key);
  }

  private take(): string | undefined {
    if (this.head >= this.queue.length) return undefined;
    const key = this.queue[this.head++];
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    this.dirty.delete(key);
    this.processing.add(key);
    return key;
  }
}
