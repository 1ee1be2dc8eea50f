// Pod sandboxes made ahead of pods: netns + CNI ADD (two Go plugin processes, the largest CPU
// cost of a pod start here) done while the node is idle, so a pod that arrives claims a ready
// network with its IP and starts without them.
import { randomBytes } from 'node:crypto';
import { errorMessage } from '../../lib/errors';
import type { Logger } from '../../lib/log';
import type { PodNetwork, PodNetworkInfo, SetupOptions } from '../network/pod-network';
import { poolTarget, recentDemand } from './pool-target';

export interface SandboxPoolOptions {
  network: PodNetwork;
  /** Sandboxes kept ready at least; the pool grows to the largest recent burst. 0 turns it off. */
  floor: number;
  /** At most this many ready (max pods minus the node's pods); default: no bound but the floor's. */
  ceiling?: () => number;
  /** The network of a pod without hostPorts, once the node has its podCIDR. */
  params: () => SetupOptions | undefined;
  /** True while no pod start is in flight: the refill waits for it, pods come first. */
  idle: () => boolean;
  log: Logger;
  /** How long the refill waits before looking again (busy node, no podCIDR yet, a failure). */
  retryMs?: number;
  /** Sandboxes asked for within this long of each other make one burst (default 30 s). */
  burstWindowMs?: number;
  /** How long the pool stays sized for a burst (default 10 min). */
  memoryMs?: number;
  /**
   * The refill starts only this long after the last sandbox was asked for (default 1 s): during
   * a burst a moment without a start in flight is no time to spend CPU on the next one's network.
   */
  quietMs?: number;
  now?: () => number;
}

export type RefillStep = 'fill' | 'trim' | 'wait' | 'done';

/**
 * What the refill does next (pure): make one sandbox or release one (both only while no pod
 * start is in flight and no sandbox was asked for lately: pods come first), wait, or stop at
 * the target.
 */
export function refillStep(s: { target: number; ready: number; idle: boolean; quiet: boolean; hasParams: boolean; stopped: boolean }): RefillStep {
  if (s.stopped || s.ready === s.target) return 'done';
  if (!s.idle || !s.quiet) return 'wait';
  if (s.ready > s.target) return 'trim';
  return s.hasParams ? 'fill' : 'wait';
}

const BURST_WINDOW_MS = 30_000;
const MEMORY_MS = 10 * 60_000;
const QUIET_MS = 1000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref());

/**
 * A pool of pod sandboxes, refilled one at a time in the background at low priority. Its size
 * follows demand: at least the floor, and after a burst of pod starts as many as that burst
 * asked for (pool-target.ts), for a while; then it shrinks back while idle. A claim is
 * synchronous and removes the sandbox from the pool before anything else runs, so an IP is
 * never handed out twice. Sandboxes survive an agent restart on disk and are adopted (the
 * demand seen before does not); close() releases the unclaimed ones (CNI DEL, netns removed).
 */
export class SandboxPool {
  private readonly ready: string[] = [];
  /** When sandboxes were asked for, within the memory (ascending). */
  private demand: number[] = [];
  private stopped = false;
  private refilling: Promise<void> | undefined;
  /** Looks again when the oldest remembered demand expires (the target may drop then). */
  private decay: NodeJS.Timeout | undefined;
  private lastTarget = -1;

  constructor(private readonly o: SandboxPoolOptions) {}

  private now(): number {
    return (this.o.now ?? Date.now)();
  }

  /** How many sandboxes the pool is filling (or trimming) towards now. */
  target(): number {
    const memoryMs = this.o.memoryMs ?? MEMORY_MS;
    this.demand = recentDemand(this.demand, this.now(), memoryMs);
    return poolTarget({
      floor: this.o.floor,
      ceiling: this.o.ceiling?.() ?? Number.MAX_SAFE_INTEGER,
      demand: this.demand,
      now: this.now(),
      windowMs: this.o.burstWindowMs ?? BURST_WINDOW_MS,
      memoryMs,
    });
  }

  /** Adopts the pool sandboxes an earlier agent left and starts refilling. */
  start(): void {
    this.ready.push(...this.o.network.listPooled());
    this.refill();
  }

  /** A ready sandbox, now the pod's; undefined when the pool is empty (set one up as usual). */
  take(podUid: string): PodNetworkInfo | undefined {
    if (this.o.floor > 0) this.demand.push(this.now());
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
    clearTimeout(this.decay);
    await this.refilling;
    // All at once: an agent being stopped has a few seconds before it is killed.
    await Promise.all(
      this.ready.splice(0).map((id) => this.o.network.release(id).catch((err: unknown) => this.o.log.warn({ id, err: errorMessage(err) }, 'releasing a pool sandbox failed'))),
    );
  }

  private refill(): void {
    if (this.refilling || this.stopped) return;
    this.refilling = this.fill().finally(() => (this.refilling = undefined));
  }

  private async fill(): Promise<void> {
    const retryMs = this.o.retryMs ?? 200;
    let worked = false;
    for (;;) {
      const params = this.o.params();
      const target = this.target();
      if (target !== this.lastTarget) {
        this.o.log.debug({ target, ready: this.ready.length, floor: this.o.floor }, 'sandbox pool target');
        this.lastTarget = target;
      }
      const quiet = this.now() - (this.demand.at(-1) ?? -Infinity) >= (this.o.quietMs ?? QUIET_MS);
      const step = refillStep({ target, ready: this.ready.length, idle: this.o.idle(), quiet, hasParams: !!params, stopped: this.stopped });
      if (step === 'done') break;
      if (step === 'trim') {
        worked = true;
        const id = this.ready.pop() as string;
        await this.o.network.release(id).catch((err: unknown) => this.o.log.warn({ id, err: errorMessage(err) }, 'releasing a pool sandbox failed'));
        continue;
      }
      if (step === 'wait' || !params) {
        await sleep(retryMs);
        continue;
      }
      worked = true;
      const id = `pool-${randomBytes(6).toString('hex')}`;
      try {
        await this.o.network.setup(id, params, true);
        this.ready.push(id);
      } catch (err) {
        this.o.log.warn({ id, err: errorMessage(err) }, 'pool sandbox setup failed');
        await sleep(retryMs * 5);
      }
    }
    if (worked) this.o.log.debug({ ready: this.ready.length }, 'sandbox pool at target');
    this.scheduleDecay();
  }

  private scheduleDecay(): void {
    clearTimeout(this.decay);
    if (this.stopped || this.demand.length === 0) return;
    const expires = this.demand[0] + (this.o.memoryMs ?? MEMORY_MS) - this.now();
    this.decay = setTimeout(() => this.refill(), Math.max(0, expires) + 1).unref();
  }
}
