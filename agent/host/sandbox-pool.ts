// Pod sandboxes made ahead of pods: netns + CNI ADD (two Go plugin processes, the largest CPU
// cost of a pod start here) done while the node is idle, so a pod that arrives claims a ready
// network with its IP and starts without them.
import { randomBytes } from 'node:crypto';
import { errorMessage } from '../../lib/errors';
import type { Logger } from '../../lib/log';
import type { PodNetwork, PodNetworkInfo, SetupOptions } from '../network/pod-network';

export interface SandboxPoolOptions {
  network: PodNetwork;
  /** Sandboxes kept ready; 0 turns the pool off. */
  size: number;
  /** The network of a pod without hostPorts, once the node has its podCIDR. */
  params: () => SetupOptions | undefined;
  /** True while no pod start is in flight: the refill waits for it, pods come first. */
  idle: () => boolean;
  log: Logger;
  /** How long the refill waits before looking again (busy node, no podCIDR yet, a failure). */
  retryMs?: number;
}

export type RefillStep = 'fill' | 'wait' | 'full';

/** What the refill does next (pure). */
export function refillStep(s: { size: number; ready: number; idle: boolean; hasParams: boolean; stopped: boolean }): RefillStep {
  if (s.stopped || s.ready >= s.size) return 'full';
  return s.idle && s.hasParams ? 'fill' : 'wait';
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref());

/**
 * A small pool of pod sandboxes, refilled one at a time in the background at low priority. A
 * claim is synchronous and removes the sandbox from the pool before anything else runs, so an
 * IP is never handed out twice. Sandboxes survive an agent restart on disk and are adopted;
 * close() releases the unclaimed ones (CNI DEL, netns removed).
 */
export class SandboxPool {
  private readonly ready: string[] = [];
  private stopped = false;
  private refilling: Promise<void> | undefined;

  constructor(private readonly o: SandboxPoolOptions) {}

  /** Adopts the pool sandboxes an earlier agent left and starts refilling. */
  start(): void {
    this.ready.push(...this.o.network.listPooled());
    this.refill();
  }

  /** A ready sandbox, now the pod's; undefined when the pool is empty (set one up as usual). */
  take(podUid: string): PodNetworkInfo | undefined {
    let info: PodNetworkInfo | undefined;
    while (!info && this.ready.length > 0) info = this.o.network.claim(this.ready.shift() as string, podUid);
    this.refill();
    return info;
  }

  get size(): number {
    return this.ready.length;
  }

  /** Stops refilling and releases every unclaimed sandbox. */
  async close(): Promise<void> {
    this.stopped = true;
    await this.refilling;
    // All at once: an agent being stopped has a few seconds before it is killed.
    await Promise.all(
      this.ready.splice(0).map((id) => this.o.network.release(id).catch((err: unknown) => this.o.log.warn({ id, err: errorMessage(err) }, 'releasing a pool sandbox failed'))),
    );
  }

  private refill(): void {
    if (this.refilling || this.o.size <= 0) return;
    this.refilling = this.fill().finally(() => (this.refilling = undefined));
  }

  private async fill(): Promise<void> {
    const retryMs = this.o.retryMs ?? 200;
    for (;;) {
      const params = this.o.params();
      const step = refillStep({ size: this.o.size, ready: this.ready.length, idle: this.o.idle(), hasParams: !!params, stopped: this.stopped });
      if (step === 'full') return;
      if (step === 'wait' || !params) {
        await sleep(retryMs);
        continue;
      }
      const id = `pool-${randomBytes(6).toString('hex')}`;
      try {
        await this.o.network.setup(id, params, true);
        this.ready.push(id);
      } catch (err) {
        this.o.log.warn({ id, err: errorMessage(err) }, 'pool sandbox setup failed');
        await sleep(retryMs * 5);
      }
    }
  }
}
