import type { ImageLayer } from '../../lib/api';
import { accountPod, imagesOf, newNodeInfo, setNode, type NodeInfo } from './node-info';
import { OwnerCounts } from './owner-counts';
import type { SchedulerNode } from './node-view';
import type { PodFacts } from './pod-facts';

/** What a placed pod takes from its node: all the cache keeps of it (not the pod). */
export type Usage = Pick<PodFacts, 'milliCpu' | 'memoryBytes' | 'hostPorts' | 'ownerUid'>;

interface Placed {
  node: string;
  usage: Usage;
  assumed: boolean;
}

/**
 * The scheduler's view of the cluster: NodeInfos with the usage of bound pods, plus pods
 * "assumed" on a node from the moment they were chosen until the informer shows them bound
 * (so the next decision already sees them, Kubernetes' assume/confirm/forget).
 */
export class SchedulerCache {
  private readonly nodes = new Map<string, NodeInfo>();
  private nodeList: NodeInfo[] | undefined;
  private readonly pods = new Map<string, Placed>();
  private readonly layersByImage = new Map<string, readonly ImageLayer[]>();
  private readonly owners = new OwnerCounts();
  /** Node slots freed by removed nodes, reused first. */
  private readonly freeSlots: number[] = [];
  private nextSlot = 0;
  /** Rotates where the search for feasible nodes starts (Kubernetes' nextStartNodeIndex). */
  nextStartIndex = 0;
  /** Rotates among equally good nodes. */
  tieBreak = 0;

  upsertNode(node: SchedulerNode): void {
    const name = node.metadata?.name ?? '';
    const info = this.nodes.get(name);
    if (info) setNode(info, node);
    else {
      const created = newNodeInfo(node, this.freeSlots.pop() ?? this.nextSlot++);
      this.nodes.set(name, created);
      this.nodeList = undefined;
      for (const p of this.pods.values()) if (p.node === name) this.account(created, p.usage, 1);
    }
    for (const [k, layers] of imagesOf(node)) this.layersByImage.set(k, layers);
  }

  removeNode(name: string): void {
    const info = this.nodes.get(name);
    if (!info) return;
    // Its pods stay placed (they are accounted again if the node comes back); the slot is freed clean.
    for (const p of this.pods.values()) if (p.node === name) this.account(info, p.usage, -1);
    this.nodes.delete(name);
    this.freeSlots.push(info.slot);
    this.nodeList = undefined;
  }

  /** Pods of a controlling owner per node slot (spreading). */
  ownerCounts(ownerUid: string): ArrayLike<number> | undefined {
    return this.owners.of(ownerUid);
  }

  getNode(name: string): NodeInfo | undefined {
    return this.nodes.get(name);
  }

  listNodes(): readonly NodeInfo[] {
    return (this.nodeList ??= [...this.nodes.values()]);
  }

  imageLayers(key: string): readonly ImageLayer[] | undefined {
    return this.layersByImage.get(key);
  }

  /**
   * A pod the informer shows bound to a node: confirms an assumed pod or accounts a new one.
   * `usage` is kept as it is (a bound pod's view holds nothing else worth dropping).
   */
  addBoundPod(key: string, node: string, usage: Usage): void {
    const prev = this.pods.get(key);
    if (prev && prev.node === node) {
      prev.assumed = false;
      // The same numbers (a pod's requests do not change): keep the view's object, drop the copy.
      if (sameUsage(prev.usage, usage)) prev.usage = usage;
      return;
    }
    if (prev) this.removePod(key);
    this.place(key, node, usage, false);
  }

  /** Records a decision before the bind is confirmed. */
  assume(facts: PodFacts, node: string): void {
    this.removePod(facts.key);
    // A copy of the four fields: the cache must not keep an unbound pod's selector and images alive.
    this.place(facts.key, node, { milliCpu: facts.milliCpu, memoryBytes: facts.memoryBytes, hostPorts: facts.hostPorts, ownerUid: facts.ownerUid }, true);
  }

  isAssumed(key: string): boolean {
    return this.pods.get(key)?.assumed ?? false;
  }

  /** Drops an assumed pod whose bind failed; confirmed pods stay. */
  forget(key: string): void {
    if (this.pods.get(key)?.assumed) this.removePod(key);
  }

  removePod(key: string): void {
    const p = this.pods.get(key);
    if (!p) return;
    this.pods.delete(key);
    const info = this.nodes.get(p.node);
    if (info) this.account(info, p.usage, -1);
  }

  private place(key: string, node: string, usage: Usage, assumed: boolean): void {
    this.pods.set(key, { node, usage, assumed });
    const info = this.nodes.get(node);
    if (info) this.account(info, usage, 1);
  }

  private account(info: NodeInfo, usage: Usage, sign: 1 | -1): void {
    accountPod(info, usage, sign);
    if (usage.ownerUid) this.owners.add(usage.ownerUid, info.slot, sign);
  }
}

function sameUsage(a: Usage, b: Usage): boolean {
  return a.milliCpu === b.milliCpu && a.memoryBytes === b.memoryBytes && a.ownerUid === b.ownerUid && a.hostPorts.join() === b.hostPorts.join();
}
