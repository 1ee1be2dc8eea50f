import type { NatsConnection } from 'nats';
import { objectKey, type ApiClient, type Pod } from '../../lib/api';
import { EventRecorder, Informer, StringInterner, WorkQueue, isTerminating, realClock, setCondition, type Clock } from '../../lib/controller';
import { errorMessage } from '../../lib/errors';
import type { Logger } from '../../lib/log';
import { SchedulerCache } from './cache';
import { schedulerNodeView, type SchedulerNode } from './node-view';
import { schedulerPodView, type SchedulerPod } from './pod-view';
import { DEFAULT_REGISTRY, type Registry } from './registry';
import { schedule } from './schedule';

export interface SchedulerOptions {
  /** Reads (informers). */
  client: ApiClient;
  /** Writes (binds, status, events): the leader-guarded client. */
  writer: ApiClient;
  nats?: NatsConnection;
  log: Logger;
  registry?: Registry;
  /** Binds per BindMany call (default 256). */
  batchSize?: number;
  /** BindMany calls in flight at once (default 4). */
  maxInflightBinds?: number;
  /** Slow periodic retry of unschedulable pods, besides retries on cluster events (default 60 s). */
  retryUnschedulableMs?: number;
  clock?: Clock;
}

const isTerminal = (p: SchedulerPod): boolean => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';

/**
 * The scheduling loop. Informers feed the cache (bound pods, nodes) and the queue (unbound pods);
 * one loop takes batches of keys, decides each against the cache (assuming the choice at once)
 * and binds the batch with one BindMany. Pods that fit nowhere wait in an unschedulable set
 * that cluster changes (node added/changed, pod deleted) and a slow timer flush back into
 * the queue; nothing polls.
 *
 * Lifecycle: `start()` runs the informers (a standby keeps a warm cache); `run(signal)` schedules
 * until the signal aborts (leadership lost) and resolves when the loop has stopped.
 */
export class Scheduler {
  readonly pods: Informer<'pods', SchedulerPod>;
  readonly nodes: Informer<'nodes', SchedulerNode>;
  readonly cache = new SchedulerCache();
  readonly queue: WorkQueue;
  private readonly unschedulable = new Set<string>();
  private readonly events: EventRecorder;
  private readonly clock: Clock;
  private readonly log: Logger;
  /** Counters the benchmark and tests read. */
  readonly stats = { bound: 0, bindErrors: 0, unschedulable: 0 };

  constructor(private readonly opts: SchedulerOptions) {
    this.clock = opts.clock ?? realClock;
    this.log = opts.log.child({ component: 'scheduler' });
    this.queue = new WorkQueue('scheduler', undefined, this.clock);
    this.events = new EventRecorder(opts.writer, 'berth-scheduler', this.log, this.clock);
    const strings = new StringInterner();
    this.pods = new Informer(opts.client, 'pods', { log: this.log, nats: opts.nats, clock: this.clock, transform: (p) => schedulerPodView(p, strings) });
    this.nodes = new Informer(opts.client, 'nodes', { log: this.log, nats: opts.nats, clock: this.clock, transform: (n) => schedulerNodeView(n, strings) });
    this.pods.addEventHandler({
      onAdd: (p) => this.onPod(undefined, p),
      onUpdate: (o, p) => this.onPod(o, p),
      onDelete: (p) => {
        const key = objectKey(p.metadata);
        this.cache.removePod(key);
        this.unschedulable.delete(key);
        this.flushUnschedulable();
      },
    });
    this.nodes.addEventHandler({
      onAdd: (n) => {
        this.cache.upsertNode(n);
        this.flushUnschedulable();
      },
      onUpdate: (o, n) => {
        this.cache.upsertNode(n);
        if (schedulingRelevant(o) !== schedulingRelevant(n)) this.flushUnschedulable();
      },
      onDelete: (n) => this.cache.removeNode(n.metadata?.name ?? ''),
    });
  }

  start(): void {
    this.pods.start();
    this.nodes.start();
  }

  stop(): void {
    this.queue.shutDown();
    this.pods.stop();
    this.nodes.stop();
  }

  async run(signal: AbortSignal): Promise<void> {
    await Promise.all([this.pods.waitForSync(), this.nodes.waitForSync()]);
    signal.addEventListener('abort', () => this.queue.shutDown(), { once: true });
    const retryMs = this.opts.retryUnschedulableMs ?? 60_000;
    let timer: unknown;
    const periodic = (): void => {
      this.flushUnschedulable();
      timer = this.clock.setTimeout(periodic, retryMs);
    };
    timer = this.clock.setTimeout(periodic, retryMs);
    const batchSize = this.opts.batchSize ?? 256;
    const maxInflight = this.opts.maxInflightBinds ?? 4;
    const inflight = new Set<Promise<void>>();
    try {
      for (let keys = await this.queue.getBatch(batchSize); keys.length; keys = await this.queue.getBatch(batchSize)) {
        const binds = this.decide(keys);
        // Several BindMany calls in flight while the next batches are decided: assumed pods keep
        // decisions consistent, and the apiserver commits concurrent binds together.
        while (inflight.size >= maxInflight) await Promise.race(inflight);
        const p: Promise<void> = this.bind(binds, keys).finally(() => inflight.delete(p));
        inflight.add(p);
      }
      await Promise.all(inflight);
    } finally {
      this.clock.clearTimeout(timer);
      await this.events.flush();
    }
  }

  private onPod(old: SchedulerPod | undefined, pod: SchedulerPod): void {
    const key = objectKey(pod.metadata);
    if (pod.spec.nodeName) {
      this.unschedulable.delete(key);
      if (isTerminal(pod)) {
        this.cache.removePod(key);
        this.flushUnschedulable();
      } else if (pod.facts) this.cache.addBoundPod(key, pod.spec.nodeName, pod.facts);
      return;
    }
    if (isTerminating(pod)) return;
    // Our own status write (PodScheduled=False) must not retry the pod at once.
    if (old && this.unschedulable.has(key) && old.metadata.generation === pod.metadata.generation) return;
    this.unschedulable.delete(key);
    this.queue.add(key);
  }

  private flushUnschedulable(): void {
    for (const k of this.unschedulable) this.queue.add(k);
    this.unschedulable.clear();
  }

  private decide(keys: string[]): { namespace: string; name: string; nodeName: string; uid: string }[] {
    const binds: { namespace: string; name: string; nodeName: string; uid: string }[] = [];
    for (const key of keys) {
      const pod = this.pods.store.get(key);
      if (!pod || pod.spec.nodeName || isTerminating(pod) || this.cache.isAssumed(key)) continue;
      const facts = pod.facts;
      if (!facts) {
        this.log.warn({ key }, 'pod has invalid requests; not scheduling it');
        continue;
      }
      const r = schedule(facts, this.cache, this.opts.registry ?? DEFAULT_REGISTRY);
      if ('node' in r) {
        this.cache.assume(facts, r.node);
        binds.push({ namespace: pod.metadata.namespace, name: pod.metadata.name, nodeName: r.node, uid: pod.metadata.uid });
      } else {
        this.stats.unschedulable++;
        this.unschedulable.add(key);
        void this.markUnschedulable(pod, r.message);
      }
    }
    return binds;
  }

  private async bind(binds: { namespace: string; name: string; nodeName: string; uid: string }[], keys: string[]): Promise<void> {
    try {
      if (!binds.length) return;
      let results;
      try {
        results = await this.opts.writer.bindMany(binds);
      } catch (err) {
        this.log.warn({ err: errorMessage(err), pods: binds.length }, 'BindMany failed; retrying the batch');
        for (const b of binds) this.retry(`${b.namespace}/${b.name}`);
        return;
      }
      results.forEach((res, i) => {
        const key = `${binds[i].namespace}/${binds[i].name}`;
        if (!res.error) {
          this.stats.bound++;
          this.queue.forget(key);
          return;
        }
        this.stats.bindErrors++;
        this.log.debug({ key, err: res.error, code: res.code }, 'bind refused');
        this.retry(key);
      });
    } finally {
      for (const k of keys) this.queue.done(k);
    }
  }

  /** A failed bind forgets the assumption; the pod is retried with backoff (if it is still unbound then). */
  private retry(key: string): void {
    this.cache.forget(key);
    this.queue.addRateLimited(key);
  }

  /** Rare (nothing fits): the cache keeps no whole pod, so the status write re-reads it. */
  private async markUnschedulable(view: SchedulerPod, message: string): Promise<void> {
    const prev = view.status.scheduled;
    if (prev && prev.status === 'False' && prev.message === message) return;
    let pod: Pod;
    try {
      pod = await this.opts.client.get('pods', view.metadata.namespace, view.metadata.name);
      if (pod.metadata?.uid !== view.metadata.uid || pod.spec?.nodeName) return;
      const nowIso = new Date(this.clock.now()).toISOString();
      const conditions = setCondition(pod.status?.conditions ?? [], { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message }, nowIso);
      await this.opts.writer.updateStatus('pods', { ...pod, status: { ...(pod.status as NonNullable<Pod['status']>), conditions } });
    } catch (err) {
      this.log.debug({ pod: view.metadata.name, err: errorMessage(err) }, 'writing PodScheduled=False failed');
      return;
    }
    this.events.record('pods', pod, 'Warning', 'FailedScheduling', message);
  }
}

function schedulingRelevant(n: SchedulerNode): string {
  return JSON.stringify([n.spec?.unschedulable, n.metadata?.labels, n.status?.allocatable, n.status?.conditions?.find((c) => c.type === 'Ready')?.status]);
}
