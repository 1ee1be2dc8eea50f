import { Pod } from '../../lib/api';
import { StringInterner } from '../../lib/controller';
import { podFacts } from './pod-facts';
import { schedulerPodView } from './pod-view';

const pod = (nodeName: string): Pod =>
  Pod.fromPartial({
    metadata: { name: 'p', namespace: 'default', uid: 'u', annotations: { a: 'b' }, ownerReferences: [{ kind: 'ReplicaSet', name: 'rs', uid: 'rs1', controller: true }, { kind: 'Other', name: 'o', uid: 'o1' }] },
    spec: {
      nodeName,
      containers: [
        { name: 'c', image: 'app:1', command: ['sh', '-c', 'x'], resources: { requests: { cpu: '250m', memory: '64Mi' } }, ports: [{ containerPort: 80, hostPort: 8080, protocol: 'TCP' }, { containerPort: 81 }] },
      ],
    },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
  });

describe('schedulerPodView', () => {
  const s = new StringInterner();
  it('keeps an unbound pod whole', () => {
    const p = pod('');
    expect(schedulerPodView(p, s)).toBe(p);
  });

  it('a bound pod keeps what it takes from its node, and nothing else', () => {
    const v = schedulerPodView(pod('n1'), s);
    const usage = (x: Pod) => {
      const f = podFacts('default/p', x);
      return [f.milliCpu, f.memoryBytes, f.hostPorts, f.ownerUid];
    };
    expect(usage(v)).toEqual(usage(pod('n1')));
    expect(v.spec?.nodeName).toBe('n1');
    expect(v.status?.phase).toBe('Running');
    expect(v.metadata?.annotations).toEqual({});
    expect(v.spec?.containers[0].command).toEqual([]);
    expect(v.status?.conditions).toEqual([]);
  });
});
