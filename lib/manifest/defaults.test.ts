import { Deployment, Lease, Node, Pod, ReplicaSet } from '../api/types';
import { applyDefaults, defaultPullPolicy } from './defaults';

describe('applyDefaults', () => {
  test('a Deployment gets Kubernetes defaults', () => {
    const d = Deployment.fromPartial({ metadata: { name: 'web' }, spec: { template: { spec: { containers: [{ name: 'c', image: 'nginx:1.25', ports: [{ containerPort: 80 }], readinessProbe: { httpGet: { port: '80' } } }] } } } });
    applyDefaults('deployments', d);
    expect(d.metadata?.namespace).toBe('default');
    expect(d.spec).toMatchObject({
      replicas: 1,
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      minReadySeconds: 0,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    });
    const spec = d.spec!.template!.spec!;
    expect(spec.restartPolicy).toBe('Always');
    expect(spec.terminationGracePeriodSeconds).toBe(30);
    expect(spec.containers[0].imagePullPolicy).toBe('IfNotPresent');
    expect(spec.containers[0].ports[0].protocol).toBe('TCP');
    expect(spec.containers[0].readinessProbe).toMatchObject({ timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3, initialDelaySeconds: 0, httpGet: { scheme: 'HTTP', path: '/' } });
  });

  test('explicit values are kept (replicas 0, Recreate, own probe timings)', () => {
    const d = Deployment.fromPartial({
      metadata: { name: 'web', namespace: 'team' },
      spec: { replicas: 0, revisionHistoryLimit: 0, strategy: { type: 'Recreate' }, template: { spec: { restartPolicy: 'Always', terminationGracePeriodSeconds: 5, containers: [{ name: 'c', image: 'x', imagePullPolicy: 'Never', livenessProbe: { exec: { command: ['true'] }, periodSeconds: 3, failureThreshold: 1 } }] } } },
    });
    applyDefaults('deployments', d);
    expect(d.metadata?.namespace).toBe('team');
    expect(d.spec).toMatchObject({ replicas: 0, revisionHistoryLimit: 0, strategy: { type: 'Recreate', rollingUpdate: undefined } });
    const spec = d.spec!.template!.spec!;
    expect(spec.terminationGracePeriodSeconds).toBe(5);
    expect(spec.containers[0].imagePullPolicy).toBe('Never');
    expect(spec.containers[0].livenessProbe).toMatchObject({ periodSeconds: 3, failureThreshold: 1, timeoutSeconds: 1 });
  });

  test('a partial rolling update gets the missing half', () => {
    const d = Deployment.fromPartial({ metadata: { name: 'w' }, spec: { strategy: { rollingUpdate: { maxUnavailable: '0' } } } });
    applyDefaults('deployments', d);
    expect(d.spec?.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '0' } });
  });

  test('pods and replicasets', () => {
    const p = Pod.fromPartial({ metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
    applyDefaults('pods', p);
    expect(p.metadata?.namespace).toBe('default');
    expect(p.spec).toMatchObject({ restartPolicy: 'Always', terminationGracePeriodSeconds: 30, containers: [{ imagePullPolicy: 'Always' }] });
    const rs = ReplicaSet.fromPartial({ metadata: { name: 'rs' }, spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox:1' }] } } } });
    applyDefaults('replicasets', rs);
    expect(rs.spec?.replicas).toBe(1);
    expect(rs.spec?.template?.spec?.restartPolicy).toBe('Always');
  });

  test('cluster-scoped kinds get no namespace; leases keep theirs', () => {
    const n = Node.fromPartial({ metadata: { name: 'n1' } });
    applyDefaults('nodes', n);
    expect(n.metadata?.namespace).toBe('');
    const l = Lease.fromPartial({ metadata: { name: 'n1', namespace: 'berth-system' } });
    applyDefaults('leases', l);
    expect(l.metadata?.namespace).toBe('berth-system');
  });

  test('idempotent', () => {
    const d = Deployment.fromPartial({ metadata: { name: 'web' }, spec: { template: { spec: { containers: [{ name: 'c', image: 'nginx' }] } } } });
    applyDefaults('deployments', d);
    const once = Deployment.toJSON(d);
    applyDefaults('deployments', d);
    expect(Deployment.toJSON(d)).toEqual(once);
  });
});

describe('defaultPullPolicy', () => {
  test.each([
    ['nginx', 'Always'],
    ['nginx:latest', 'Always'],
    ['localhost:5000/hello', 'Always'],
    ['localhost:5000/hello:1.0', 'IfNotPresent'],
    ['nginx@sha256:' + 'a'.repeat(64), 'IfNotPresent'],
    ['nginx:latest@sha256:' + 'a'.repeat(64), 'IfNotPresent'],
  ])('%s → %s', (image, policy) => expect(defaultPullPolicy(image)).toBe(policy));
});
