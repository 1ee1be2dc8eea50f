import type { Condition, Lease, LeaseSpec, Node, NodeSpec, ObjectMeta } from '../../lib/api';
import type { StringInterner } from '../../lib/controller';

/**
 * What the controller-manager caches of a node: its metadata and spec whole (IPAM updates the
 * node from them; an Update keeps the stored status) and, of its status, the Ready condition
 * (node lifecycle). Images, addresses and system info of every node are never read; the rare
 * status write (Ready=Unknown) re-reads the node first. A whole `Node` is one too.
 */
export interface ControllerNode {
  metadata?: ObjectMeta;
  spec?: NodeSpec;
  status?: { conditions: readonly Pick<Condition, 'type' | 'status' | 'lastTransitionTime'>[] };
}

export function controllerNodeView(n: Node, s: StringInterner): ControllerNode {
  const ready = n.status?.conditions.find((c) => c.type === 'Ready');
  return {
    metadata: n.metadata,
    spec: n.spec,
    status: { conditions: ready ? [{ type: s.get(ready.type), status: s.get(ready.status), lastTransitionTime: s.get(ready.lastTransitionTime) }] : [] },
  };
}

/** Of a Lease, node lifecycle reads only when it was renewed. A whole `Lease` is one too. */
export interface ControllerLease {
  metadata?: Pick<ObjectMeta, 'name' | 'namespace' | 'resourceVersion'>;
  spec?: Pick<LeaseSpec, 'renewTime'>;
}

export function controllerLeaseView(l: Lease, s: StringInterner): ControllerLease {
  return {
    metadata: { name: l.metadata?.name ?? '', namespace: s.get(l.metadata?.namespace ?? ''), resourceVersion: l.metadata?.resourceVersion ?? '' },
    spec: { renewTime: l.spec?.renewTime ?? '' },
  };
}
