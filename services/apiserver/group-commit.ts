import type { ICompare, IRequestOp, IResponseOp, ITxnRequest, ITxnResponse } from 'etcd3/lib/rpc';

// Group commit: concurrent writes ride one etcd transaction. Each write is a nested txn
// with its own compare, so one write's conflict does not fail the others; the batch costs
// one round trip and one raft entry instead of one per write.

export interface TxnOp {
  /** Keys the op writes: two ops on one key never share a batch (etcd refuses duplicates). */
  keys: string[];
  compare: ICompare[];
  success: IRequestOp[];
  failure?: IRequestOp[];
  /** Bytes the op adds to the request (values), to keep batches under etcd's request limit. */
  bytes: number;
  /**
   * Goes ahead of queued ordinary ops (leases: a leader's or a node's heartbeat must not wait
   * behind a storm of pod writes, or leaders lose their leases and nodes look dead).
   */
  urgent?: boolean;
}

export interface TxnOpResult {
  succeeded: boolean;
  /** The revision the batch committed at (the header revision). */
  revision: string;
  responses: IResponseOp[];
}

export type TxnSender = (req: ITxnRequest) => Promise<ITxnResponse>;

interface Pending {
  op: TxnOp;
  resolve(r: TxnOpResult): void;
  reject(err: unknown): void;
}

export interface GroupCommitOptions {
  /** etcd --max-txn-ops (128 by default). */
  maxOps?: number;
  maxBytes?: number;
  /** Batches in flight at once. */
  maxInFlight?: number;
  /**
   * Ops without compares (reads) go into one flat txn instead of nested ones: etcd serves a
   * txn of ranges only as a read (ReadIndex), but a txn holding nested txns as a write,
   * through raft and the WAL, however read-only those are.
   */
  flat?: boolean;
}

/** Queues an op: urgent ops after the urgent ones already queued, ahead of every other. */
export function enqueue<T extends { op: TxnOp }>(queue: T[], item: T): void {
  if (!item.op.urgent) {
    queue.push(item);
    return;
  }
  const firstOrdinary = queue.findIndex((p) => !p.op.urgent);
  if (firstOrdinary < 0) queue.push(item);
  else queue.splice(firstOrdinary, 0, item);
}

/** Takes queued ops for one batch: no repeated key, within the op and byte limits. */
export function takeBatch<T extends { op: TxnOp }>(queue: T[], maxOps: number, maxBytes: number): T[] {
  const batch: T[] = [];
  const keys = new Set<string>();
  let bytes = 0;
  for (let i = 0; i < queue.length && batch.length < maxOps; ) {
    const p = queue[i];
    const clash = p.op.keys.some((k) => keys.has(k));
    if (clash || (batch.length > 0 && bytes + p.op.bytes > maxBytes)) {
      i++;
      continue;
    }
    p.op.keys.forEach((k) => keys.add(k));
    bytes += p.op.bytes;
    batch.push(p);
    queue.splice(i, 1);
  }
  return batch;
}

export class GroupCommitter {
  private readonly queue: Pending[] = [];
  private inFlight = 0;
  private readonly maxOps: number;
  private readonly maxBytes: number;
  private readonly maxInFlight: number;
  private readonly flat: boolean;
  /** Batches sent and ops carried, for the benchmark's report. */
  readonly stats = { batches: 0, ops: 0 };

  constructor(
    private readonly send: TxnSender,
    opts: GroupCommitOptions = {},
  ) {
    // etcd counts the ops of nested txns towards --max-txn-ops (128): each write has a put and a
    // failure read.
    this.maxOps = opts.maxOps ?? 64;
    this.maxBytes = opts.maxBytes ?? 1024 * 1024;
    this.maxInFlight = opts.maxInFlight ?? 4;
    this.flat = opts.flat ?? false;
  }

  submit(op: TxnOp): Promise<TxnOpResult> {
    if (this.flat && op.compare.length > 0) return Promise.reject(new Error('a flat group committer takes ops without compares'));
    return new Promise((resolve, reject) => {
      enqueue(this.queue, { op, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch = takeBatch(this.queue, this.maxOps, this.maxBytes);
      this.inFlight++;
      this.stats.batches++;
      this.stats.ops += batch.length;
      void this.run(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async run(batch: Pending[]): Promise<void> {
    try {
      if (this.flat) {
        const res = await this.send({ compare: [], success: batch.flatMap(({ op }) => op.success), failure: [] });
        let at = 0;
        for (const p of batch) {
          p.resolve({ succeeded: true, revision: res.header.revision, responses: res.responses.slice(at, at + p.op.success.length) });
          at += p.op.success.length;
        }
        return;
      }
      if (batch.length === 1) {
        const { op } = batch[0];
        const res = await this.send({ compare: op.compare, success: op.success, failure: op.failure ?? [] });
        batch[0].resolve({ succeeded: res.succeeded, revision: res.header.revision, responses: res.responses });
        return;
      }
      const res = await this.send({
        compare: [],
        success: batch.map(({ op }) => ({ request_txn: { compare: op.compare, success: op.success, failure: op.failure ?? [] } })),
        failure: [],
      });
      batch.forEach((p, i) => {
        const sub = res.responses[i].response_txn;
        p.resolve({ succeeded: sub.succeeded, revision: res.header.revision, responses: sub.responses });
      });
    } catch (err) {
      for (const p of batch) p.reject(err);
    }
  }
}
