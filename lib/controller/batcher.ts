import { realClock, type Clock } from './clock';

/** Sends a batch in one call; results in request order, a failed item as its typed error. */
export type SendBatch<T> = (batch: T[]) => Promise<Array<T | Error>>;

export interface BatcherOptions {
  /** Calls in flight at once; writes beyond that wait and go out together in the next call. */
  maxInFlight?: number;
  /** Items per call (the API takes at most 500). */
  maxBatch?: number;
  /**
   * Hold the first write of a batch this long before sending, so that writes spread over time
   * (jittered heartbeats) share a call: at most one call per linger period while under
   * maxBatch. 0 (default): send at the end of the current tick.
   */
  lingerMs?: number;
  clock?: Clock;
}

interface Waiting<T> {
  item: T;
  resolve(value: T): void;
  reject(err: unknown): void;
}

/**
 * Coalesces writes (pod status, event creates) into batch calls (UpdateStatusMany, CreateMany)
 * without delaying any of them: a write made while fewer than `maxInFlight` calls are out is
 * sent at once (writes of the same tick share the call); what accumulates while all calls are
 * out goes in the next call when one returns. Each caller gets its own item's result or error,
 * so it handles NotFound or Conflict exactly as after a single write; a failed call fails every
 * item it carried.
 */
export class Batcher<T> {
  private readonly maxInFlight: number;
  private readonly maxBatch: number;
  private readonly lingerMs: number;
  private readonly clock: Clock;
  private waiting: Waiting<T>[] = [];
  private inFlight = 0;
  private pumpQueued = false;

  constructor(
    private readonly send: SendBatch<T>,
    o: BatcherOptions = {},
  ) {
    this.maxInFlight = Math.max(1, o.maxInFlight ?? 3);
    this.maxBatch = Math.max(1, o.maxBatch ?? 500);
    this.lingerMs = Math.max(0, o.lingerMs ?? 0);
    this.clock = o.clock ?? realClock;
  }

  write(item: T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (this.pumpQueued || this.inFlight >= this.maxInFlight) return;
      this.pumpQueued = true;
      const pump = (): void => {
        this.pumpQueued = false;
        this.pump();
      };
      if (this.lingerMs > 0) this.clock.setTimeout(pump, this.lingerMs);
      else queueMicrotask(pump);
    });
  }

  /** Writes waiting for a free call (tests, metrics). */
  get queued(): number {
    return this.waiting.length;
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.waiting.length) {
      const batch = this.waiting.splice(0, this.maxBatch);
      this.inFlight++;
      void this.flush(batch);
    }
  }

  private async flush(batch: Waiting<T>[]): Promise<void> {
    try {
      const results = await this.send(batch.map((w) => w.item));
      batch.forEach((w, i) => {
        const r = results[i];
        if (r instanceof Error) w.reject(r);
        else if (r === undefined) w.reject(new Error(`batch reply holds ${results.length} results for ${batch.length} writes`));
        else w.resolve(r);
      });
    } catch (err) {
      for (const w of batch) w.reject(err);
    } finally {
      this.inFlight--;
      this.pump();
    }
  }
}
