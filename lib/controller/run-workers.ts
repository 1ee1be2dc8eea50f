import type { Logger } from '../log';
import { errorMessage } from '../errors';
import type { WorkQueue } from './work-queue';

/** Syncs one key from the local cache; throwing requeues the key with backoff. */
export type SyncHandler = (key: string) => Promise<void>;

/**
 * Runs `n` workers on a queue, Kubernetes' processNextWorkItem: success forgets the key's
 * backoff, failure requeues it rate-limited. Resolves when the queue is shut down and every
 * worker has finished its current key.
 */
export async function runWorkers(queue: WorkQueue, n: number, sync: SyncHandler, log: Logger): Promise<void> {
  const worker = async (): Promise<void> => {
    for (let key = await queue.get(); key !== undefined; key = await queue.get()) {
      try {
        await sync(key);
        queue.forget(key);
      } catch (err) {
        log.warn({ queue: queue.name, key, err: errorMessage(err), requeues: queue.numRequeues(key) }, 'sync failed; requeued with backoff');
        queue.addRateLimited(key);
      } finally {
        queue.done(key);
      }
    }
  };
  await Promise.all(Array.from({ length: n }, worker));
}
