import type { Condition, ContainerImage, Node, NodeSpec, NodeStatus, ObjectMeta } from '../../lib/api';
import type { StringInterner } from '../../lib/controller';

/**
 * What the scheduler caches of a node (its informer's transform): name, labels, unschedulable,
 * quantities, the Ready condition and the images it holds (image locality). A whole `Node` is one
 * too, so tests and the cache take either. Addresses, system info, endpoints, annotations and the
 * other conditions of every node are never read.
 */
export interface SchedulerNode {
  metadata?: Pick<ObjectMeta, 'name' | 'namespace' | 'resourceVersion'> & { labels: Readonly<Record<string, string>> };
  spec?: Pick<NodeSpec, 'unschedulable'>;
  status?: { capacity: Readonly<Record<string, string>>; allocatable: Readonly<Record<string, string>>; conditions: readonly Pick<Condition, 'type' | 'status'>[]; images: readonly ContainerImage[] };
}

const QUANTITIES = ['cpu', 'memory', 'pods'] as const;

export function schedulerNodeView(n: Node, s: StringInterner): SchedulerNode {
  const ready = n.status?.conditions.find((c) => c.type === 'Ready');
  return {
    metadata: { name: n.metadata?.name ?? '', namespace: '', resourceVersion: n.metadata?.resourceVersion ?? '', labels: s.sharedRecord(n.metadata?.labels) },
    spec: { unschedulable: n.spec?.unschedulable ?? false },
    status: {
      capacity: quantities(n.status?.capacity, s),
      allocatable: quantities(n.status?.allocatable, s),
      conditions: ready ? [{ type: s.get(ready.type), status: s.get(ready.status) }] : [],
      images: n.status?.images ?? [],
    },
  };
}

function quantities(q: NodeStatus['capacity'] | undefined, s: StringInterner): Readonly<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const k of QUANTITIES) if (q?.[k]) out[k] = s.get(q[k]);
  return s.sharedRecord(out);
}
