import type { ApiClient, WatchStream } from '../../lib/api/client';
import type { Pod } from '../../lib/api/types';

export function isReady(p: Pod): boolean {
  return !p.metadata?.deletionTimestamp && p.status?.podIp !== '' && (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/**
 * The addresses of the ready pods matching a selector, kept current by a pod watch: what a
 * load balancer following readiness would send traffic to.
 */
export class ReadyPods {
  private readonly ready = new Map<string, string>();
  private readonly stream: WatchStream<'pods'>;
  readonly done: Promise<void>;

  constructor(client: ApiClient, namespace: string, labelSelector: string) {
    const stream = client.watch('pods', { namespace, labelSelector });
    this.stream = stream;
    this.done = (async () => {
      for await (const ev of stream) {
        const p = ev.object;
        const uid = p?.metadata?.uid;
        if (!p || !uid) continue;
        if (ev.type !== 'DELETED' && isReady(p)) this.ready.set(uid, p.status?.podIp ?? '');
        else this.ready.delete(uid);
      }
    })();
  }

  addresses(): string[] {
    return [...this.ready.values()];
  }

  close(): void {
    this.stream.close();
  }
}

export interface LoadResult {
  ok: number;
  failed: { address: string; error: string }[];
  /** Response bodies seen, with counts (e.g. "hello 1.0" → 120). */
  bodies: Map<string, number>;
}

/**
 * Requests every ready pod's address in turn, re-reading the ready set before each round,
 * until `stop` resolves (or `maxMs` passes). Each request has a short timeout: a pod taken
 * out of service too early shows as a failure.
 */
export async function requestReadyPods(pods: ReadyPods, port: number, stop: Promise<unknown>, maxMs: number): Promise<LoadResult> {
  const result: LoadResult = { ok: 0, failed: [], bodies: new Map() };
  let stopped = false;
  void stop.finally(() => {
    stopped = true;
  });
  const deadline = Date.now() + maxMs;
  while (!stopped && Date.now() < deadline) {
    const round = pods.addresses();
    for (const address of round) {
      try {
        const res = await fetch(`http://${address}:${port}/`, { signal: AbortSignal.timeout(3000) });
        const body = (await res.text()).trim();
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        result.ok++;
        result.bodies.set(body, (result.bodies.get(body) ?? 0) + 1);
      } catch (err) {
        result.failed.push({ address, error: String((err as Error).cause ?? err) });
      }
    }
    // Pace the rounds a little so the client does not starve the 2-core machine.
    await new Promise((r) => setTimeout(r, 20));
  }
  return result;
}
