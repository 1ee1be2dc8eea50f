import type { ImageLayer } from '../../lib/api';
import { cpuMillis, memoryBytes } from '../../lib/quantity';
import type { PodFacts } from './pod-facts';
import { imageKeys } from './image-keys';
import type { SchedulerNode } from './node-view';

/**
 * One node as the scheduler sees it: what it reads of the node plus the sums of what the pods bound
 * (or assumed) to it already take. Plugins read it; only SchedulerCache changes it.
 */
export interface NodeInfo {
  name: string;
  /** Index of this node in per-node arrays (OwnerCounts), given by the cache; reused after removal. */
  slot: number;
  ready: boolean;
  unschedulable: boolean;
  labels: Readonly<Record<string, string>>;
  allocMilliCpu: number;
  allocMemoryBytes: number;
  allocPods: number;
  reqMilliCpu: number;
  reqMemoryBytes: number;
  podCount: number;
  usedPorts: Map<string, number>;
  /** Digests of the image layers this node holds. */
  layers: Set<string>;
}

function quantity(parse: (q: string) => number, q: string | undefined, fallback: number): number {
  if (!q) return fallback;
  try {
    return parse(q);
  } catch {
    return 0;
  }
}

export function newNodeInfo(node: SchedulerNode, slot = 0): NodeInfo {
  const info: NodeInfo = {
    name: node.metadata?.name ?? '',
    slot,
    ready: false,
    unschedulable: false,
    labels: {},
    allocMilliCpu: 0,
    allocMemoryBytes: 0,
    allocPods: 0,
    reqMilliCpu: 0,
    reqMemoryBytes: 0,
    podCount: 0,
    usedPorts: new Map(),
    layers: new Set(),
  };
  setNode(info, node);
  return info;
}

/** Refreshes the node-derived fields (the pod sums stay). */
export function setNode(info: NodeInfo, node: SchedulerNode): void {
  const alloc = node.status?.allocatable ?? {};
  const cap = node.status?.capacity ?? {};
  info.ready = node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
  info.unschedulable = node.spec?.unschedulable ?? false;
  info.labels = node.metadata?.labels ?? {};
  info.allocMilliCpu = quantity(cpuMillis, alloc.cpu ?? cap.cpu, 0);
  info.allocMemoryBytes = quantity(memoryBytes, alloc.memory ?? cap.memory, 0);
  // Kubernetes' default of 110 pods per node applies when the agent reports none.
  info.allocPods = quantity((q) => Number(q), alloc.pods ?? cap.pods, 110);
  info.layers = new Set();
  for (const img of node.status?.images ?? []) for (const l of img.layers ?? []) info.layers.add(l.digest);
}

/** Adds (sign 1) or removes (sign -1) a pod's usage on a node (its owner is counted in OwnerCounts). */
export function accountPod(info: NodeInfo, f: Pick<PodFacts, 'milliCpu' | 'memoryBytes' | 'hostPorts'>, sign: 1 | -1): void {
  info.reqMilliCpu += sign * f.milliCpu;
  info.reqMemoryBytes += sign * f.memoryBytes;
  info.podCount += sign;
  for (const p of f.hostPorts) bump(info.usedPorts, p, sign);
}

function bump(m: Map<string, number>, k: string, d: number): void {
  const v = (m.get(k) ?? 0) + d;
  if (v <= 0) m.delete(k);
  else m.set(k, v);
}

/** Every key under which a node's images are known, with their layers. */
export function imagesOf(node: SchedulerNode): [string, readonly ImageLayer[]][] {
  const out: [string, readonly ImageLayer[]][] = [];
  for (const img of node.status?.images ?? []) {
    const layers = img.layers ?? [];
    if (img.digest) out.push([`@${img.digest}`, layers]);
    for (const n of img.names ?? []) for (const k of imageKeys(n)) out.push([k, layers]);
  }
  return out;
}
