import { Lease, Node } from '../../lib/api';
import { StringInterner } from '../../lib/controller';
import { controllerLeaseView, controllerNodeView } from './node-view';

describe('controllerNodeView', () => {
  const s = new StringInterner();
  const node = Node.fromPartial({
    metadata: { name: 'n1', uid: 'u1', resourceVersion: '5', labels: { zone: 'a' }, annotations: { a: 'b' } },
    spec: { unschedulable: true, podCidr: '10.0.1.0/24', taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }] },
    status: {
      conditions: [
        { type: 'MemoryPressure', status: 'False' },
        { type: 'Ready', status: 'True', reason: 'AgentReady', message: 'ok', lastTransitionTime: '2024-01-01T00:00:00Z' },
      ],
      images: [{ names: ['app:1'], digest: 'sha256:x', sizeBytes: 1, layers: [] }],
      addresses: [{ type: 'InternalIP', address: '10.1.1.1' }],
    },
  });

  it('keeps metadata and spec whole (IPAM updates the node from them) and only the Ready condition of its status', () => {
    const v = controllerNodeView(node, s);
    expect(v.metadata).toEqual(node.metadata);
    expect(v.spec).toEqual(node.spec);
    expect(v.status).toEqual({ conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2024-01-01T00:00:00Z' }] });
  });

  it('a node without a Ready condition has none', () => {
    expect(controllerNodeView(Node.fromPartial({ metadata: { name: 'n2' } }), s).status?.conditions).toEqual([]);
  });
});

describe('controllerLeaseView', () => {
  it('keeps the key, the version and the renew time', () => {
    const l = Lease.fromPartial({ metadata: { name: 'n1', namespace: 'berth-system', resourceVersion: '9', uid: 'u' }, spec: { holderIdentity: 'n1', renewTime: '2024-01-01T00:00:10Z', leaseDurationSeconds: 40 } });
    expect(controllerLeaseView(l, new StringInterner())).toEqual({ metadata: { name: 'n1', namespace: 'berth-system', resourceVersion: '9' }, spec: { renewTime: '2024-01-01T00:00:10Z' } });
  });
});
