import type { NatsConnection, Subscription } from 'nats';
import { objectKey, type ApiClient, type ContainerImage, type Node, type Pod } from '../lib/api';
import { nodePodsSubject, type ChangeNotice } from '../lib/api/subjects';
import { EventRecorder, Informer, WorkQueue, realClock, runWorkers, type Clock } from '../lib/controller';
import { errorMessage } from '../lib/errors';
import type { Logger } from '../lib/log';
import { LeaseBatcher } from './node/lease-batcher';
import { NodeAgent } from './node/node-agent';
import type { NodeIdentity } from './node/node-registration';
import type { BackoffConfig } from './pod/backoff';
import type { PodHost } from './pod/pod-host';
import type { PodMemoryStore } from './pod/pod-memory-store';
import { PodSyncer } from './pod/pod-syncer';
import { podStatusWriter } from './pod/status-batcher';
import type { PodProbes } from './probe/probe-manager';

/** One node served by this process: a real host, or one of many hollow ones. */
export interface NodeSetup {
  identity: NodeIdentity;
  hostIp: string;
  host: PodHost;
  memory: PodMemoryStore;
  /** Built once the syncer exists: probe verdicts enqueue the pod. */
  probes: (enqueue: (pod: Pod) => void) => PodProbes;
  images: () => ContainerImage[];
  /** Real nodes need their podCIDR (for CNI) before running pods. */
  waitForPodCidr: boolean;
  /** Told the podCIDR once the control plane assigned it (the real host's CNI range). */
  onPodCidr?: (cidr: string) => void;
}

export interface AgentProcessOptions {
  client: ApiClient;
  nats?: NatsConnection;
  nodes: NodeSetup[];
  /** Each pod is synced again this long (jittered +0-10%) after its last sync, like the kubelet's syncFrequency. */
  resyncMs: number;
  workers: number;
  backoff: BackoffConfig;
  drainDelayMs: number;
  leaseDurationSeconds: number;
  renewIntervalMs: number;
  log: Logger;
  clock?: Clock;
}

/**
 * Wires a node agent (or N hollow ones): one pod informer (field selector spec.nodeName=N for a
 * single node; for hollow nodes one shared watch of `spec.nodeName in (…)`, dispatched by node), one node
 * informer, NATS wake-ups on each node's subject, a periodic resync of each pod, and one work queue
 * of pod keys whose workers call the owning node's PodSyncer (STYLE.md 2).
 */
export class AgentProcess {
  private readonly queue = new WorkQueue('agent-pods');
  private readonly pods: Informer<'pods'>;
  private readonly nodes: Informer<'nodes'>;
  private readonly syncers = new Map<string, PodSyncer>();
  private readonly nodeAgents: NodeAgent[] = [];
  /** pod key → node, for pods that disappear from the cache. */
  private readonly podNode = new Map<string, string>();
  private readonly subs: Subscription[] = [];
  private workersDone: Promise<void> | undefined;
  private readonly clock: Clock;

  constructor(private readonly o: AgentProcessOptions) {
    this.clock = o.clock ?? realClock;
    // Only this process's nodes and their pods: hollow-node processes used to receive (and decode)
    // every pod of the cluster, five times over with five processes.
    const names = o.nodes.map((n) => n.identity.name);
    const only = (field: string) => (names.length === 1 ? `${field}=${names[0]}` : `${field} in (${names.join(',')})`);
    this.pods = new Informer(o.client, 'pods', { fieldSelector: only('spec.nodeName'), log: o.log });
    this.nodes = new Informer(o.client, 'nodes', { fieldSelector: only('metadata.name'), log: o.log });
    const events = new EventRecorder(o.client, 'berth-agent', o.log);
    // One status writer for every node of the process: hollow nodes' status writes share calls.
    const writeStatus = podStatusWriter(o.client);
    // Likewise one Lease renewer: every node's heartbeat shares an UpdateMany call per tick.
    const leases = new LeaseBatcher(o.client, { clock: this.clock });
    for (const n of o.nodes) {
      const name = n.identity.name;
      const requeue = (key: string, ms: number) => this.queue.addAfter(key, ms);
      const syncer = new PodSyncer({
        client: o.client,
        writeStatus,
        host: n.host,
        probes: n.probes((pod) => this.queue.add(objectKey(pod.metadata!))),
        memory: n.memory,
        events,
        clock: this.clock,
        backoff: o.backoff,
        drainDelayMs: o.drainDelayMs,
        hostIp: n.hostIp,
        requeue,
        log: o.log.child({ node: name }),
      });
      this.syncers.set(name, syncer);
      n.host.onContainerExit((uid) => {
        const pod = this.pods.store.list().find((p) => p.metadata?.uid === uid);
        if (pod) this.queue.add(objectKey(pod.metadata!));
      });
      this.nodeAgents.push(
        new NodeAgent({
          client: o.client,
          identity: n.identity,
          cachedNode: () => this.nodes.store.get(name) as Node | undefined,
          images: n.images,
          leaseDurationSeconds: o.leaseDurationSeconds,
          renewIntervalMs: o.renewIntervalMs,
          clock: this.clock,
          log: o.log,
          renewLease: (lease) => leases.renew(lease),
        }),
      );
    }
    const enqueue = (pod: Pod) => {
      const node = pod.spec?.nodeName ?? '';
      const key = objectKey(pod.metadata!);
      if (!this.syncers.has(node) && !this.podNode.has(key)) return;
      if (this.syncers.has(node)) this.podNode.set(key, node);
      this.queue.add(key);
    };
    this.pods.addEventHandler({ onAdd: enqueue, onUpdate: (_o, n) => enqueue(n), onDelete: enqueue });
  }

  async start(): Promise<void> {
    const log = this.o.log;
    this.nodes.start();
    // Register every node (hollow ones in parallel batches, so 5,000 do not take minutes).
    for (let i = 0; i < this.nodeAgents.length; i += 50) await Promise.all(this.nodeAgents.slice(i, i + 50).map((a) => a.register()));
    await this.nodes.waitForSync();
    for (const [i, n] of this.o.nodes.entries()) {
      if (!n.waitForPodCidr) continue;
      const podCidr = await this.nodeAgents[i].waitForPodCidr();
      n.onPodCidr?.(podCidr);
      log.info({ node: n.identity.name, podCidr }, 'podCIDR assigned');
    }
    for (const a of this.nodeAgents) a.start();
    this.pods.start();
    await this.pods.waitForSync();
    await this.removeLeftovers();
    this.subscribe();
    this.workersDone = runWorkers(this.queue, this.o.workers, (key) => this.syncKey(key), log);
    log.info({ nodes: this.o.nodes.length }, 'agent running');
  }

  async stop(): Promise<void> {
    for (const s of this.subs) s.unsubscribe();
    for (const a of this.nodeAgents) a.stop();
    this.queue.shutDown();
    this.pods.stop();
    this.nodes.stop();
    await this.workersDone;
  }

  private async syncKey(key: string): Promise<void> {
    const pod = this.pods.store.get(key);
    const node = pod?.spec?.nodeName || this.podNode.get(key) || '';
    const syncer = this.syncers.get(node);
    if (!syncer) return;
    await syncer.sync(key, pod && pod.spec?.nodeName === node ? pod : undefined);
    if (!this.pods.store.get(key)) this.podNode.delete(key);
    // Per pod rather than one sweep of all pods: a pod just synced is not synced again for a
    // minute, and a node's pods do not all come due at once.
    else this.queue.addAfter(key, this.o.resyncMs * (1 + Math.random() * 0.1));
  }

  /** Pods of this node's host that the API no longer has are stopped and cleaned (after an agent restart). */
  private async removeLeftovers(): Promise<void> {
    const live = new Set(this.pods.store.list().map((p) => p.metadata?.uid));
    for (const n of this.o.nodes) {
      for (const uid of await n.host.listPodUids()) {
        if (live.has(uid)) continue;
        try {
          await n.host.stopPod(uid, 0);
          await n.host.cleanupPod(uid);
          await n.memory.remove(uid);
          this.o.log.info({ node: n.identity.name, uid }, 'removed leftovers of a pod that no longer exists');
        } catch (err) {
          this.o.log.warn({ uid, err: errorMessage(err) }, 'removing leftovers failed');
        }
      }
    }
  }

  private subscribe(): void {
    const nats = this.o.nats;
    if (!nats) return;
    const onNotice = (data: Uint8Array) => {
      try {
        const notice = JSON.parse(new TextDecoder().decode(data)) as ChangeNotice;
        this.queue.add(`${notice.namespace}/${notice.name}`);
      } catch {
        // a malformed notice only costs latency: the watch and resync still deliver
      }
    };
    // One subscription per node (NATS routes by interest), not a wildcard every process decodes.
    const subjects = this.o.nodes.map((n) => nodePodsSubject(n.identity.name));
    for (const s of subjects) this.subs.push(nats.subscribe(s, { callback: (err, msg) => !err && onNotice(msg.data) }));
  }
}
