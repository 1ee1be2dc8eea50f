// Follows the pods of one namespace through a single watch and records when the n-th pod was
// first seen created, bound and Running: the benchmark's clock, with no polling of the API.
import type { ApiClient, Pod, WatchStream } from '../../lib/api';
import { TooOldError } from '../../lib/errors';

export type Milestone = 'created' | 'bound' | 'running';

/** Which milestones a pod's state shows. */
export function milestonesOf(p: Pod): Milestone[] {
  const out: Milestone[] = ['created'];
  if (p.spec?.nodeName) out.push('bound');
  if (p.status?.phase === 'Running') out.push('running');
  return out;
}

export class PodProgress {
  private readonly seen: Record<Milestone, Set<string>> = { created: new Set(), bound: new Set(), running: new Set() };
  /** performance.now() at which each milestone reached the target count. */
  readonly reachedAt: Partial<Record<Milestone, number>> = {};
  /** Times the stream ended and was resumed (a re-list after TooOld counts too). */
  restarts = 0;
  private stream?: WatchStream<'pods'>;
  private stopped = false;
  private readonly waiters: Array<() => void> = [];

  constructor(private readonly client: ApiClient, private readonly namespace: string, private readonly target: number) {}

  get counts(): Record<Milestone, number> {
    return { created: this.seen.created.size, bound: this.seen.bound.size, running: this.seen.running.size };
  }

  /** Starts watching from the namespace's current revision; resolves once the stream is open. */
  async start(): Promise<void> {
    const { resourceVersion } = await this.client.listPage('pods', { namespace: this.namespace, limit: 1 });
    void this.follow(resourceVersion);
  }

  /** Resolves when the target count of pods has been seen Running. */
  allRunning(): Promise<void> {
    return new Promise((resolve) => {
      if (this.reachedAt.running !== undefined) resolve();
      else this.waiters.push(resolve);
    });
  }

  stop(): void {
    this.stopped = true;
    this.stream?.close();
  }

  private note(p: Pod, now: number): void {
    const uid = p.metadata?.uid ?? '';
    for (const m of milestonesOf(p)) {
      const set = this.seen[m];
      if (set.has(uid)) continue;
      set.add(uid);
      if (set.size >= this.target && this.reachedAt[m] === undefined) this.reachedAt[m] = now;
    }
    if (this.reachedAt.running !== undefined) this.waiters.splice(0).forEach((w) => w());
  }

  private async follow(fromRv: string): Promise<void> {
    let rv = fromRv;
    while (!this.stopped) {
      try {
        this.stream = this.client.watch('pods', { namespace: this.namespace, resourceVersion: rv, allowBookmarks: true });
        for await (const ev of this.stream) {
          rv = ev.resourceVersion || rv;
          if (ev.object && ev.type !== 'DELETED' && ev.type !== 'BOOKMARK') this.note(ev.object, performance.now());
        }
      } catch (err) {
        if (this.stopped) return;
        this.restarts++;
        // History compacted under us: catch up from a full list, then watch on from there.
        if (err instanceof TooOldError) {
          const list = await this.client.list('pods', { namespace: this.namespace }).catch(() => undefined);
          if (list) {
            const now = performance.now();
            list.items.forEach((p) => this.note(p, now));
            rv = list.resourceVersion;
          }
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }
}
