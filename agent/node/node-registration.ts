import { Node, NodeStatus, type Condition, type ContainerImage, type NodeAddress, type NodeSystemInfo } from '../../lib/api';

/** What the agent owns of its Node object; everything else (spec, users' labels) it never touches. */
export interface NodeIdentity {
  name: string;
  labels: Record<string, string>;
  addresses: NodeAddress[];
  capacity: Record<string, string>;
  allocatable: Record<string, string>;
  agentEndpoint: string;
  nodeInfo: NodeSystemInfo;
}

/** The Node to write at registration: the stored one with the agent's own fields laid over it. */
export function registrationNode(existing: Node | undefined, id: NodeIdentity): Node {
  const base = existing ?? Node.fromPartial({ metadata: { name: id.name }, spec: {} });
  return Node.fromPartial({
    ...base,
    metadata: { ...base.metadata, name: id.name, labels: { ...(base.metadata?.labels ?? {}), ...id.labels } },
    status: nodeStatusFor(base.status, id, { ready: base.status?.conditions.find((c) => c.type === 'Ready')?.status === 'True', images: base.status?.images ?? [], now: '' }),
  });
}

/** Whether registration must rewrite metadata (some label of ours is missing or differs). */
export function labelsNeedUpdate(existing: Node, id: NodeIdentity): boolean {
  const have = existing.metadata?.labels ?? {};
  return Object.entries(id.labels).some(([k, v]) => have[k] !== v);
}

export interface NodeLiveness {
  ready: boolean;
  images: ContainerImage[];
  /** RFC 3339; '' keeps the stored transition time. */
  now: string;
}

function readyCondition(prev: Condition | undefined, ready: boolean, now: string): Condition {
  const status = ready ? 'True' : 'False';
  const transition = prev && prev.status === status ? prev.lastTransitionTime : now;
  return {
    type: 'Ready',
    status,
    reason: ready ? 'AgentReady' : 'AgentNotReady',
    message: ready ? 'berth agent is posting ready status' : 'berth agent is not ready',
    lastTransitionTime: transition,
    lastUpdateTime: '',
    lastHeartbeatTime: '',
  };
}

/** The Node status the agent reports: its identity fields, Ready and the images it holds. */
export function nodeStatusFor(prev: NodeStatus | undefined, id: NodeIdentity, live: NodeLiveness): NodeStatus {
  const prevReady = prev?.conditions.find((c) => c.type === 'Ready');
  return NodeStatus.fromPartial({
    capacity: id.capacity,
    allocatable: id.allocatable,
    conditions: [readyCondition(prevReady, live.ready, live.now)],
    addresses: id.addresses,
    images: live.images,
    daemonEndpoints: { agentEndpoint: id.agentEndpoint },
    nodeInfo: id.nodeInfo,
  });
}

/** Whether the stored status differs from what the agent would write (ignoring times). */
export function nodeStatusDiffers(stored: NodeStatus | undefined, mine: NodeStatus): boolean {
  if (!stored) return true;
  const strip = (s: NodeStatus) =>
    JSON.stringify([
      s.capacity,
      s.allocatable,
      s.addresses,
      s.images,
      s.daemonEndpoints,
      s.nodeInfo,
      s.conditions.filter((c) => c.type === 'Ready').map((c) => [c.status, c.reason]),
    ]);
  return strip(stored) !== strip(mine);
}
