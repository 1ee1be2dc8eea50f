import { Pod } from '../../lib/api';
import { StringInterner } from '../../lib/controller';
import { podFacts } from './pod-facts';
import { schedulerPodView } from './pod-view';

const pod = (nodeName: string, cpu = '250m'): Pod =>
  Pod.fromPartial({
    metadata: {
      name: 'p',
      namespace: 'default',
      uid: 'u',
      generation: 2,
      annotations: { 'berth.dev/image-digests': '{"c":"app@sha256:abc"}' },
      ownerReferences: [{ kind: 'ReplicaSet', name: 'rs', uid: 'rs1', controller: true }, { kind: 'Other', name: 'o', uid: 'o1' }],
    },
    spec: {
      nodeName,
      nodeSelector: { zone: 'a' },
      containers: [{ name: 'c', image: 'app:1', command: ['sh', '-c', 'x'], resources: { requests: { cpu, memory: '64Mi' } }, ports: [{ containerPort: 80, hostPort: 8080, protocol: 'TCP' }, { containerPort: 81 }] }],
    },
    status: { phase: nodeName ? 'Running' : 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', message: '0/3 nodes are available.' }] },
  });

describe('schedulerPodView', () => {
  const s = new StringInterner();

  it('an unbound pod keeps every fact a scheduling decision reads, and its PodScheduled condition', () => {
    const v = schedulerPodView(pod(''), s);
    expect(v.facts).toEqual(podFacts('default/p', pod('')));
    expect(v.metadata).toEqual({ name: 'p', namespace: 'default', uid: 'u', resourceVersion: '', generation: 2, deletionTimestamp: '' });
    expect(v.status.scheduled?.message).toBe('0/3 nodes are available.');
  });

  it('a bound pod keeps what it takes from its node, and nothing else', () => {
    const v = schedulerPodView(pod('n1'), s);
    const full = podFacts('default/p', pod('n1'));
    expect(v.spec.nodeName).toBe('n1');
    expect(v.status).toEqual({ phase: 'Running' });
    expect(v.facts && [v.facts.milliCpu, v.facts.memoryBytes, v.facts.hostPorts, v.facts.ownerUid]).toEqual([full.milliCpu, full.memoryBytes, full.hostPorts, full.ownerUid]);
    expect(v.facts?.nodeSelector).toEqual({});
    expect(v.facts?.images).toEqual([]);
    expect([v.metadata.uid, v.metadata.generation]).toEqual(['', 0]);
  });

  it('bound pods on one node in one phase share their spec and status; unbound ones have their own', () => {
    expect(schedulerPodView(pod('n1'), s).spec).toBe(schedulerPodView(pod('n1'), s).spec);
    expect(schedulerPodView(pod('n1'), s).status).toBe(schedulerPodView(pod('n1'), s).status);
    expect(schedulerPodView(pod('n2'), s).spec).not.toBe(schedulerPodView(pod('n1'), s).spec);
    expect(schedulerPodView(pod(''), s).status).not.toBe(schedulerPodView(pod(''), s).status);
  });

  it('a pod whose requests do not parse has no facts (it is not scheduled)', () => {
    expect(schedulerPodView(pod('', 'lots'), s).facts).toBeUndefined();
  });
});
