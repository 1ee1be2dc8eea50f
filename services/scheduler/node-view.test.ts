import { Node } from '../../lib/api';
import { StringInterner } from '../../lib/controller';
import { imagesOf, newNodeInfo } from './node-info';
import { schedulerNodeView } from './node-view';

const image = { names: ['reg/app:1.0'], digest: 'sha256:m', sizeBytes: 30, layers: [{ digest: 'sha256:l1', size: 10 }] };

const node = (over: Partial<{ ready: string; unschedulable: boolean; capacityOnly: boolean }> = {}): Node =>
  Node.fromPartial({
    metadata: { name: 'n1', resourceVersion: '7', uid: 'u1', labels: { zone: 'a' }, annotations: { note: 'x'.repeat(100) } },
    spec: { unschedulable: over.unschedulable ?? false, podCidr: '10.0.1.0/24' },
    status: {
      capacity: { cpu: '8', memory: '16Gi', pods: '200', 'ephemeral-storage': '100Gi' },
      allocatable: over.capacityOnly ? {} : { cpu: '4', memory: '8Gi', pods: '110' },
      conditions: [
        { type: 'MemoryPressure', status: 'False', message: 'ok' },
        { type: 'Ready', status: over.ready ?? 'True', reason: 'AgentReady', message: 'agent is posting ready status' },
      ],
      addresses: [{ type: 'InternalIP', address: '10.1.1.1' }],
      images: [image],
      daemonEndpoints: { agentEndpoint: '10.1.1.1:10250' },
      nodeInfo: { machineId: 'm', kernelVersion: '6.1' },
    },
  });

describe('schedulerNodeView', () => {
  const s = new StringInterner();

  // What the plugins read is NodeInfo: a view must give the same NodeInfo as the whole node.
  it.each([
    ['ready, schedulable', {}],
    ['not ready', { ready: 'Unknown' }],
    ['cordoned', { unschedulable: true }],
    ['no allocatable: capacity counts', { capacityOnly: true }],
  ])('%s: the same NodeInfo and image layers as the whole node', (_what, over) => {
    const n = node(over);
    const v = schedulerNodeView(n, s);
    expect(newNodeInfo(v, 3)).toEqual(newNodeInfo(n, 3));
    expect(imagesOf(v)).toEqual(imagesOf(n));
  });

  it('drops what no plugin reads and shares repeated label maps', () => {
    const v = schedulerNodeView(node(), s);
    expect(v.metadata).toEqual({ name: 'n1', namespace: '', resourceVersion: '7', labels: { zone: 'a' } });
    expect(v.status?.conditions).toEqual([{ type: 'Ready', status: 'True' }]);
    expect(v.status?.capacity).toEqual({ cpu: '8', memory: '16Gi', pods: '200' });
    expect(v.status).not.toHaveProperty('addresses');
    expect(schedulerNodeView(node(), s).metadata?.labels).toBe(v.metadata?.labels);
  });
});
