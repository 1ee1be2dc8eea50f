import { Deployment, Node, Pod, ReplicaSet, type Container, type DeploymentSpec, type PodSpec } from '../api/types';
import type { DeepPartial } from '../../proto/gen/berth/v1/workloads';
import { validateObject } from './validate';

const container = (c: DeepPartial<Container> = {}): DeepPartial<Container> => ({ name: 'web', image: 'localhost:5000/hello:1.0', ...c });
const pod = (spec: DeepPartial<PodSpec>, meta: object = {}) => Pod.fromPartial({ metadata: { name: 'p', ...meta }, spec: { containers: [container()], ...spec } });
const deployment = (spec: DeepPartial<DeploymentSpec>, podSpec: DeepPartial<PodSpec> = {}) =>
  Deployment.fromPartial({
    metadata: { name: 'web' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [container()], ...podSpec } },
      ...spec,
    },
  });

const errorsOf = (kind: Parameters<typeof validateObject>[0], obj: Parameters<typeof validateObject>[1]) => validateObject(kind, obj).map((e) => `${e.field}: ${e.message}`);

describe('valid objects pass', () => {
  test.each([
    ['a minimal pod', 'pods', pod({})],
    ['a pod with generateName', 'pods', Pod.fromPartial({ metadata: { generateName: 'web-7d9f-' }, spec: { containers: [container()] } })],
    ['a minimal deployment', 'deployments', deployment({})],
    ['replicas 0', 'deployments', deployment({ replicas: 0 })],
    ['a full container', 'pods', pod({
      volumes: [{ name: 'cache', emptyDir: { sizeLimit: '1Gi' } }, { name: 'host', hostPath: { path: '/var/log', type: 'Directory' } }],
      containers: [container({
        ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }, { name: 'dns', containerPort: 53, protocol: 'UDP' }],
        env: [{ name: 'A_B.c-d', value: 'x' }],
        resources: { requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '1', memory: '128Mi' } },
        volumeMounts: [{ name: 'cache', mountPath: '/cache' }, { name: 'host', mountPath: '/logs', readOnly: true }],
        livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 5 },
        readinessProbe: { tcpSocket: { port: '8080' } },
      })],
    })],
    ['a matchExpressions selector', 'deployments', deployment({ selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'api'] }] } })],
    ['a node', 'nodes', Node.fromPartial({ metadata: { name: 'n1.example' }, spec: { taints: [{ key: 'k', effect: 'NoSchedule' }] } })],
  ] as const)('%s', (_what, kind, obj) => {
    expect(errorsOf(kind, obj)).toEqual([]);
  });
});

describe('each problem is reported with its path', () => {
  test.each<[string, Parameters<typeof validateObject>[0], Parameters<typeof validateObject>[1], string[]]>([
    ['missing name', 'pods', Pod.fromPartial({ metadata: {}, spec: { containers: [container()] } }), ['metadata.name: name or generateName is required']],
    ['bad name', 'pods', pod({}, { name: 'Web_1' }), [expect.stringMatching(/^metadata\.name: a lowercase RFC 1123 subdomain .* got "Web_1"$/) as unknown as string]],
    ['bad namespace', 'pods', pod({}, { namespace: 'a.b' }), [expect.stringMatching(/^metadata\.namespace: a lowercase RFC 1123 label/) as unknown as string]],
    ['namespace on a node', 'nodes', Node.fromPartial({ metadata: { name: 'n1', namespace: 'default' } }), ['metadata.namespace: must be empty: Node is not namespaced']],
    ['bad label key', 'pods', pod({}, { labels: { 'a/b/c': 'x' } }), [expect.stringMatching(/^metadata\.labels\["a\/b\/c"\]: invalid label key/) as unknown as string]],
    ['bad label value', 'pods', pod({}, { labels: { app: 'not ok' } }), [expect.stringMatching(/^metadata\.labels\["app"\]: /) as unknown as string]],
    ['annotations too big', 'pods', pod({}, { annotations: { big: 'x'.repeat(256 * 1024) } }), ['metadata.annotations: may not exceed 262144 bytes in total, got 262147']],
    ['negative replicas', 'deployments', deployment({ replicas: -1 }), ['spec.replicas: must be greater than or equal to 0, got -1']],
    ['no selector', 'deployments', deployment({ selector: undefined }), ['spec.selector: is required and must not be empty']],
    ['selector does not match', 'deployments', deployment({ selector: { matchLabels: { app: 'api' } } }), ['spec.template.metadata.labels: `selector` does not match template `labels`']],
    ['bad selector operator', 'replicasets', ReplicaSet.fromPartial({ metadata: { name: 'rs' }, spec: { selector: { matchExpressions: [{ key: 'a', operator: 'Like', values: ['x'] }] }, template: { spec: { containers: [container()] } } } }), [expect.stringMatching(/^spec\.selector: label selector: unknown operator "Like"/) as unknown as string]],
    ['no template', 'deployments', deployment({ template: undefined }), ['spec.template: is required']],
    ['no containers', 'pods', pod({ containers: [] }), ['spec.containers: must have at least one container']],
    ['duplicate container names', 'pods', pod({ containers: [container(), container()] }), ['spec.containers[1].name: duplicate container name "web"']],
    ['bad container name', 'pods', pod({ containers: [container({ name: 'Web' })] }), [expect.stringMatching(/^spec\.containers\[0\]\.name: a lowercase RFC 1123 label/) as unknown as string]],
    ['missing image', 'pods', pod({ containers: [container({ image: '' })] }), ['spec.containers[0].image: is required']],
    ['bad image', 'deployments', deployment({}, { containers: [container({ image: 'Foo::bar' })] }), [expect.stringMatching(/^spec\.template\.spec\.containers\[0\]\.image: invalid reference format "Foo::bar"/) as unknown as string]],
    ['bad pull policy', 'pods', pod({ containers: [container({ imagePullPolicy: 'Sometimes' })] }), ['spec.containers[0].imagePullPolicy: must be one of "Always", "IfNotPresent", "Never"']],
    ['bad quantity', 'pods', pod({ containers: [container({ resources: { limits: { memory: '10MB' } } })] }), ['spec.containers[0].resources.limits.memory: invalid quantity "10MB": unknown suffix "MB" (use m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei or e<n>)']],
    ['negative quantity', 'pods', pod({ containers: [container({ resources: { requests: { cpu: '-1' } } })] }), ['spec.containers[0].resources.requests.cpu: must be greater than or equal to 0, got "-1"']],
    ['unsupported resource', 'pods', pod({ containers: [container({ resources: { limits: { 'nvidia.com/gpu': '1' } } })] }), ['spec.containers[0].resources.limits.nvidia.com/gpu: unsupported resource "nvidia.com/gpu": berth manages cpu, memory, ephemeral-storage']],
    ['requests over limits', 'pods', pod({ containers: [container({ resources: { requests: { cpu: '2' }, limits: { cpu: '500m' } } })] }), ['spec.containers[0].resources.requests.cpu: must be less than or equal to cpu limit of 500m, got "2"']],
    ['port 0 and 70000', 'pods', pod({ containers: [container({ ports: [{ containerPort: 0 }, { containerPort: 70000, hostPort: 70000 }] })] }), [
      'spec.containers[0].ports[0].containerPort: must be between 1 and 65535, inclusive, got 0',
      'spec.containers[0].ports[1].containerPort: must be between 1 and 65535, inclusive, got 70000',
      'spec.containers[0].ports[1].hostPort: must be between 1 and 65535, inclusive, got 70000',
    ]],
    ['duplicate port names', 'pods', pod({ containers: [container({ ports: [{ name: 'http', containerPort: 80 }, { name: 'http', containerPort: 81 }] })] }), ['spec.containers[0].ports[1].name: duplicate port name "http"']],
    ['bad port name', 'pods', pod({ containers: [container({ ports: [{ name: '8080', containerPort: 80 }] })] }), ['spec.containers[0].ports[0].name: must contain at least one letter, got "8080"']],
    ['bad protocol', 'pods', pod({ containers: [container({ ports: [{ containerPort: 80, protocol: 'SCTP' }] })] }), ['spec.containers[0].ports[0].protocol: must be one of "TCP", "UDP"']],
    ['bad env name', 'pods', pod({ containers: [container({ env: [{ name: '1ABC', value: 'x' }] })] }), [expect.stringMatching(/^spec\.containers\[0\]\.env\[0\]\.name: a valid environment variable name/) as unknown as string]],
    ['probe without a handler', 'pods', pod({ containers: [container({ livenessProbe: { periodSeconds: 5 } })] }), ['spec.containers[0].livenessProbe: must specify a handler type (exec, httpGet or tcpSocket)']],
    ['probe with two handlers', 'pods', pod({ containers: [container({ readinessProbe: { exec: { command: ['true'] }, tcpSocket: { port: '80' } } })] }), ['spec.containers[0].readinessProbe: may not specify more than one handler type']],
    ['negative probe period', 'pods', pod({ containers: [container({ readinessProbe: { tcpSocket: { port: '80' }, periodSeconds: -1 } })] }), ['spec.containers[0].readinessProbe.periodSeconds: must be greater than or equal to 0, got -1']],
    ['liveness successThreshold', 'pods', pod({ containers: [container({ livenessProbe: { tcpSocket: { port: '80' }, successThreshold: 2 } })] }), ['spec.containers[0].livenessProbe.successThreshold: must be 1 for a liveness probe']],
    ['probe port out of range', 'pods', pod({ containers: [container({ readinessProbe: { httpGet: { port: '99999' } } })] }), ['spec.containers[0].readinessProbe.httpGet.port: must be between 1 and 65535, inclusive, got 99999']],
    ['volume without source', 'pods', pod({ volumes: [{ name: 'v' }] }), ['spec.volumes[0]: must specify a volume type (emptyDir or hostPath)']],
    ['volume with two sources', 'pods', pod({ volumes: [{ name: 'v', emptyDir: {}, hostPath: { path: '/x' } }] }), ['spec.volumes[0]: may not specify more than one volume type']],
    ['duplicate volume names', 'pods', pod({ volumes: [{ name: 'v', emptyDir: {} }, { name: 'v', emptyDir: {} }] }), ['spec.volumes[1].name: duplicate volume name "v"']],
    ['relative hostPath', 'pods', pod({ volumes: [{ name: 'v', hostPath: { path: 'var/log' } }] }), ['spec.volumes[0].hostPath.path: must be an absolute path, got "var/log"']],
    ['undeclared volume mount', 'pods', pod({ containers: [container({ volumeMounts: [{ name: 'data', mountPath: '/data' }] })] }), ['spec.containers[0].volumeMounts[0].name: volume "data" is not declared in the pod\'s volumes']],
    ['relative mountPath', 'pods', pod({ volumes: [{ name: 'v', emptyDir: {} }], containers: [container({ volumeMounts: [{ name: 'v', mountPath: 'data' }] })] }), ['spec.containers[0].volumeMounts[0].mountPath: must be an absolute path, got "data"']],
    ['bad restartPolicy', 'pods', pod({ restartPolicy: 'Sometimes' }), ['spec.restartPolicy: unsupported value "Sometimes": must be one of "Always", "OnFailure", "Never"']],
    ['template restartPolicy Never', 'deployments', deployment({}, { restartPolicy: 'Never' }), ['spec.template.spec.restartPolicy: unsupported value "Never": must be one of "Always"']],
    ['bad strategy type', 'deployments', deployment({ strategy: { type: 'BlueGreen' } }), ['spec.strategy.type: unsupported value "BlueGreen": must be one of "RollingUpdate", "Recreate"']],
    ['both 0', 'deployments', deployment({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '0', maxUnavailable: '0%' } } }), ['spec.strategy.rollingUpdate.maxUnavailable: may not be 0 when maxSurge is 0']],
    ['bad maxSurge', 'deployments', deployment({ strategy: { rollingUpdate: { maxSurge: '1.5', maxUnavailable: '110%' } } }), [
      'spec.strategy.rollingUpdate.maxSurge: must be a non-negative integer or a percentage ("25%"), got "1.5"',
      'spec.strategy.rollingUpdate.maxUnavailable: must not be greater than 100%, got "110%"',
    ]],
    ['rollingUpdate with Recreate', 'deployments', deployment({ strategy: { type: 'Recreate', rollingUpdate: { maxSurge: '1' } } }), ['spec.strategy.rollingUpdate: may not be specified when strategy type is "Recreate"']],
    ['progress deadline not above minReady', 'deployments', deployment({ minReadySeconds: 10, progressDeadlineSeconds: 5 }), ['spec.progressDeadlineSeconds: must be greater than minReadySeconds (10)']],
    ['bad taint effect', 'nodes', Node.fromPartial({ metadata: { name: 'n1' }, spec: { taints: [{ key: 'k', effect: 'Never' }] } }), ['spec.taints[0].effect: must be one of "NoSchedule", "PreferNoSchedule", "NoExecute"']],
  ])('%s', (_what, kind, obj, expected) => {
    expect(errorsOf(kind, obj)).toEqual(expected);
  });

  test('every problem at once', () => {
    const errs = errorsOf('pods', pod({ restartPolicy: 'x', containers: [container({ name: '', image: '' })] }, { name: '' }));
    expect(errs).toEqual([
      'metadata.name: name or generateName is required',
      'spec.containers[0].name: is required',
      'spec.containers[0].image: is required',
      'spec.restartPolicy: unsupported value "x": must be one of "Always", "OnFailure", "Never"',
    ]);
  });
});
