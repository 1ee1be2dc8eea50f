import type { ApiClient, Pod, WatchStream } from '../../../lib/api';

/**
 * Follows every change to the pods of one namespace through a watch and calls `sample` with
 * the full set after each event, so a test can check an invariant at every state the
 * apiserver passed through (not only the states a poll happens to see).
 */
export class PodSampler {
  readonly pods = new Map<string, Pod>();
  events = 0;
  private stream: WatchStream<'pods'> | undefined;
  private done: Promise<void> | undefined;
  private failure: unknown;

  constructor(
    private readonly client: ApiClient,
    private readonly sample: (pods: Pod[], at: number) => void,
    private readonly namespace = 'default',
  ) {}

  /** Starts from a List's resourceVersion so no event between list and watch is missed. */
  async start(): Promise<void> {
    const list = await this.client.list('pods', { namespace: this.namespace });
    for (const p of list.items) this.pods.set(p.metadata?.uid ?? '', p);
    this.stream = this.client.watch('pods', { namespace: this.namespace, resourceVersion: list.resourceVersion });
    const stream = this.stream;
    this.done = (async () => {
      try {
        for await (const ev of stream) {
          if (!ev.object) continue;
          const uid = ev.object.metadata?.uid ?? '';
          if (ev.type === 'DELETED') this.pods.delete(uid);
          else this.pods.set(uid, ev.object);
          this.events++;
          this.sample([...this.pods.values()], Date.now());
        }
      } catch (err) {
        this.failure = err;
      }
    })();
  }

  /** Stops watching; rethrows what the watch or a sample threw. */
  async stop(): Promise<void> {
    this.stream?.close();
    await this.done;
    if (this.failure) throw this.failure;
  }
}
