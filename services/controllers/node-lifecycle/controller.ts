import { objectKey, type ApiClient, type Node } from '../../../lib/api';
import { EventRecorder, WorkQueue, getCondition, runWorkers, realClock, setCondition, type Clock } from '../../../lib/controller';
import { ConflictError, NotFoundError } from '../../../lib/errors';
import type { Logger } from '../../../lib/log';
import type { SharedInformers } from '../informers';
import type { ControllerLease, ControllerNode } from '../node-view';
import { decideLifecycle, nodesWithPods, UNHEALTHY_THRESHOLD, type NodeHealthInput } from './health';

export interface NodeLifecycleOptions {
  /** Lease silence before Ready=Unknown (Kubernetes: 40 s). */
  gracePeriodMs: number;
  /** Ready≠True this long → evict the node's pods (Kubernetes: 300 s). */
  evictionTimeoutMs: number;
}

const TICK = 'tick';

/**
 * Watches node Leases: a node whose lease stops changing for the grace period becomes
 * Ready=Unknown; after the eviction timeout its pods are deleted (the ReplicaSet controller
 * replaces them elsewhere), unless more than 55% of nodes are down at once.
 */
export class NodeLifecycleController {
  readonly queue: WorkQueue;
  private readonly heartbeats = new Map<string, { renewTime: string; seenAt: number }>();
  private readonly log: Logger;

  constructor(
    private readonly informers: SharedInformers,
    private readonly writer: ApiClient,
    private readonly events: EventRecorder,
    private readonly opts: NodeLifecycleOptions,
    log: Logger,
    private readonly clock: Clock = realClock,
  ) {
    this.log = log.child({ controller: 'node-lifecycle' });
    this.queue = new WorkQueue('node-lifecycle', undefined, clock);
    const seen = (l: ControllerLease): void => {
      const prev = this.heartbeats.get(l.metadata?.name ?? '');
      const renewTime = l.spec?.renewTime ?? '';
      if (!prev || prev.renewTime !== renewTime) this.heartbeats.set(l.metadata?.name ?? '', { renewTime, seenAt: this.clock.now() });
    };
    informers.leases.addEventHandler({ onAdd: seen, onUpdate: (_o, n) => seen(n) });
    // A node joining or leaving is looked at within a second: as 5,000 nodes register, ticks over
    // all nodes ran back to back (one per add while the previous tick ran: quadratic).
    const soon = () => this.queue.addAfter(TICK, 1000);
    informers.nodes.addEventHandler({ onAdd: soon, onDelete: soon });
  }

  run(): Promise<void> {
    this.queue.add(TICK);
    return runWorkers(this.queue, 1, () => this.tick(), this.log);
  }

  private async tick(): Promise<void> {
    // Re-check at a quarter of the grace period: a node is marked at most grace·1.25 after its last heartbeat.
    this.queue.addAfter(TICK, Math.max(250, Math.min(this.opts.gracePeriodMs, this.opts.evictionTimeoutMs) / 4));
    const now = this.clock.now();
    const nodes = this.informers.nodes.store.list();
    const withPods = nodesWithPods(this.informers.pods.store.list());
    const inputs: NodeHealthInput[] = nodes.map((n) => {
      const name = n.metadata?.name ?? '';
      if (!this.heartbeats.has(name)) this.heartbeats.set(name, { renewTime: '', seenAt: now });
      const ready = getCondition(n.status?.conditions, 'Ready');
      return {
        name,
        lastHeartbeatSeenAt: this.heartbeats.get(name)?.seenAt ?? now,
        ready: ready?.status ?? '',
        readySince: Date.parse(ready?.lastTransitionTime ?? '') || now,
        hasPods: withPods.has(name),
      };
    });
    const d = decideLifecycle(inputs, now, this.opts.gracePeriodMs, this.opts.evictionTimeoutMs);
    const byName = new Map(nodes.map((n) => [n.metadata?.name ?? '', n]));
    for (const name of d.markUnknown) await this.markUnknown(name, now);
    if (d.evictionHalted) {
      const msg = `${d.evictionHalted.notReady} of ${d.evictionHalted.total} nodes are not ready (more than ${UNHEALTHY_THRESHOLD * 100}%): not evicting pods`;
      this.log.warn(d.evictionHalted, 'eviction halted: too many nodes down');
      for (const i of inputs) if (i.ready !== 'True') this.events.record('nodes', byName.get(i.name) as ControllerNode, 'Warning', 'EvictionHalted', msg);
    }
    for (const name of d.evict) await this.evict(byName.get(name) as ControllerNode);
  }

  /** Rare (a node went silent), and the cache keeps no whole status: re-reads the node to write it. */
  private async markUnknown(name: string, now: number): Promise<void> {
    const nowIso = new Date(now).toISOString();
    try {
      const node = await this.writer.get('nodes', '', name);
      const conditions = setCondition(node.status?.conditions ?? [], { type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Agent stopped posting node status.' }, nowIso);
      await this.writer.updateStatus('nodes', { ...node, status: { ...(node.status as NonNullable<Node['status']>), conditions } });
      this.log.warn({ node: node.metadata?.name }, 'node heartbeat stale: Ready=Unknown');
      this.events.record('nodes', node, 'Warning', 'NodeNotReady', 'Node is not ready: lease not renewed');
    } catch (err) {
      if (!(err instanceof ConflictError) && !(err instanceof NotFoundError)) throw err;
    }
  }

  private async evict(node: ControllerNode): Promise<void> {
    const name = node.metadata?.name ?? '';
    const pods = this.informers.pods.store.list().filter((p) => p.spec?.nodeName === name && !p.metadata?.deletionTimestamp);
    this.log.warn({ node: name, pods: pods.length }, 'evicting pods of an unreachable node');
    this.events.record('nodes', node, 'Warning', 'NodeEviction', `Deleting ${pods.length} pods of unreachable node ${name}`);
    await Promise.all(
      pods.map(async (p) => {
        try {
          // The agent is unreachable and cannot confirm: force, like Kubernetes' pod GC of lost nodes.
          await this.writer.delete('pods', p.metadata?.namespace ?? '', p.metadata?.name ?? '', { force: true, gracePeriodSeconds: 0, preconditionUid: p.metadata?.uid });
        } catch (err) {
          if (!(err instanceof NotFoundError)) this.log.warn({ pod: objectKey(p.metadata ?? { namespace: '', name: '' }) }, 'evicting pod failed');
        }
      }),
    );
  }
}
