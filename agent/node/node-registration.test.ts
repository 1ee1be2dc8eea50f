import { Node } from '../../lib/api';
import { labelsNeedUpdate, nodeStatusDiffers, nodeStatusFor, registrationNode, type NodeIdentity } from './node-registration';
import { nodeResources } from './host-info';

const id: NodeIdentity = {
  name: 'n1',
  labels: { 'kubernetes.io/hostname': 'n1', 'kubernetes.io/os': 'linux' },
  addresses: [{ type: 'InternalIP', address: '10.1.0.2' }],
  ...nodeResources({ cpus: 2, memoryBytes: 4 * 1024 ** 3 }, 110),
  agentEndpoint: '10.1.0.2:10250',
  nodeInfo: { machineId: 'm', kernelVersion: 'k', osImage: 'o', containerRuntimeVersion: 'runc', agentVersion: 'v', operatingSystem: 'linux', architecture: 'amd64' },
};

describe('registrationNode', () => {
  it('a new node gets our labels, capacity and endpoint', () => {
    const n = registrationNode(undefined, id);
    expect(n.metadata?.labels).toEqual(id.labels);
    expect(n.status?.capacity).toEqual({ cpu: '2', memory: String(4 * 1024 ** 3), pods: '110' });
    expect(n.status?.allocatable.cpu).toBe('1900m');
    expect(n.status?.daemonEndpoints?.agentEndpoint).toBe('10.1.0.2:10250');
  });

  it('never overwrites what it does not own', () => {
    const stored = Node.fromPartial({
      metadata: { name: 'n1', resourceVersion: '7', labels: { team: 'a', 'kubernetes.io/os': 'old' } },
      spec: { unschedulable: true, podCidr: '10.244.1.0/24' },
    });
    const n = registrationNode(stored, id);
    expect(n.spec).toMatchObject({ unschedulable: true, podCidr: '10.244.1.0/24' });
    expect(n.metadata?.labels).toEqual({ team: 'a', 'kubernetes.io/os': 'linux', 'kubernetes.io/hostname': 'n1' });
    expect(n.metadata?.resourceVersion).toBe('7');
    expect(labelsNeedUpdate(stored, id)).toBe(true);
    expect(labelsNeedUpdate(n, id)).toBe(false);
  });
});

describe('node status', () => {
  it('keeps the Ready transition time while Ready holds and ignores it when comparing', () => {
    const first = nodeStatusFor(undefined, id, { ready: true, images: [], now: '2024-01-01T00:00:00.000Z' });
    const again = nodeStatusFor(first, id, { ready: true, images: [], now: '2024-01-01T00:10:00.000Z' });
    expect(again.conditions[0].lastTransitionTime).toBe('2024-01-01T00:00:00.000Z');
    expect(nodeStatusDiffers(first, again)).toBe(false);
  });

  it('a new image or a Ready flip is a change', () => {
    const first = nodeStatusFor(undefined, id, { ready: true, images: [], now: 't' });
    const img = nodeStatusFor(first, id, { ready: true, images: [{ names: ['a'], digest: 'sha256:1', sizeBytes: 1, layers: [] }], now: 't2' });
    expect(nodeStatusDiffers(first, img)).toBe(true);
    const down = nodeStatusFor(first, id, { ready: false, images: [], now: 't2' });
    expect(nodeStatusDiffers(first, down)).toBe(true);
    expect(down.conditions[0]).toMatchObject({ status: 'False', lastTransitionTime: 't2' });
  });

  it('Ready=Unknown written by the node lifecycle controller counts as a change', () => {
    const mine = nodeStatusFor(undefined, id, { ready: true, images: [], now: 't' });
    const stored = { ...mine, conditions: [{ ...mine.conditions[0], status: 'Unknown', reason: 'NodeStatusUnknown' }] };
    expect(nodeStatusDiffers(stored, mine)).toBe(true);
  });
});
