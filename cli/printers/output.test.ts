import { parse } from 'yaml';
import { Deployment, Event, Node, Pod } from '../../lib/api/types';
import { describeObject, eventsFor } from './describe';
import { formatNames, formatObjects, resourceName, tableRows } from './output';
import { formatTable } from './table';

const NOW = Date.parse('2024-05-01T12:00:00Z');
const T = '2024-05-01T11:55:00Z';

const deploy = Deployment.fromPartial({
  metadata: { name: 'web', namespace: 'default', creationTimestamp: T, uid: 'u1' },
  spec: {
    replicas: 3,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'localhost:5000/hello:1.0', ports: [{ containerPort: 8080, hostIp: '127.0.0.1' }] }] } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
  },
  status: { replicas: 3, readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
});

const pods = [
  Pod.fromPartial({ metadata: { name: 'web-abc', namespace: 'default', creationTimestamp: T }, spec: { nodeName: 'n1', containers: [{ name: 'web', image: 'x' }] }, status: { phase: 'Running', podIp: '10.244.1.5', containerStatuses: [{ name: 'web', ready: true, state: { running: {} } }] } }),
  Pod.fromPartial({ metadata: { name: 'web-defghij', namespace: 'team', creationTimestamp: T }, spec: { containers: [{ name: 'web', image: 'x' }] }, status: { phase: 'Pending' } }),
];

describe('tables', () => {
  test('pods, like kubectl', () => {
    expect(formatTable(tableRows('pods', pods, { wide: false, withNamespace: false, headers: true }, NOW))).toBe(
      ['NAME          READY   STATUS    RESTARTS   AGE', 'web-abc       1/1     Running   0          5m', 'web-defghij   0/1     Pending   0          5m', ''].join('\n'),
    );
  });

  test('pods wide with all namespaces', () => {
    const rows = tableRows('pods', pods, { wide: true, withNamespace: true, headers: true }, NOW);
    expect(rows[0]).toEqual(['NAMESPACE', 'NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE']);
    expect(rows[1]).toEqual(['default', 'web-abc', '1/1', 'Running', '0', '5m', '10.244.1.5', 'n1']);
    expect(rows[2].slice(-2)).toEqual(['<none>', '<none>']);
  });

  test('deployments, wide', () => {
    const rows = tableRows('deployments', [deploy], { wide: true, withNamespace: false, headers: true }, NOW);
    expect(rows).toEqual([
      ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR'],
      ['web', '2/3', '3', '2', '5m', 'web', 'localhost:5000/hello:1.0', 'app=web'],
    ]);
  });

  test('nodes: status with SchedulingDisabled, roles', () => {
    const n = Node.fromPartial({
      metadata: { name: 'n1', creationTimestamp: T, labels: { 'node-role.kubernetes.io/worker': '' } },
      spec: { unschedulable: true },
      status: { conditions: [{ type: 'Ready', status: 'True' }], nodeInfo: { agentVersion: '0.1.0' }, addresses: [{ type: 'InternalIP', address: '10.77.0.11' }] },
    });
    const rows = tableRows('nodes', [n], { wide: true, withNamespace: true, headers: false }, NOW);
    expect(rows).toEqual([['n1', 'Ready,SchedulingDisabled', 'worker', '5m', '0.1.0', '10.77.0.11', '<none>', '<none>', '<none>', '<none>']]);
  });

  test('events', () => {
    const e = Event.fromPartial({ metadata: { name: 'e1' }, involvedObject: { kind: 'Pod', name: 'web-abc' }, type: 'Warning', reason: 'BackOff', message: 'Back-off\nrestarting', lastTimestamp: '2024-05-01T11:59:00Z' });
    expect(tableRows('events', [e], { wide: false, withNamespace: false, headers: true }, NOW)).toEqual([
      ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'],
      ['60s', 'Warning', 'BackOff', 'pod/web-abc', 'Back-off restarting'],
    ]);
  });
});

describe('yaml, json and name output', () => {
  test('one object as Kubernetes-shaped YAML, with Kubernetes spellings and no empty defaults', () => {
    const doc = parse(formatObjects('deployments', [deploy], 'yaml', true));
    expect(Object.keys(doc)).toEqual(['apiVersion', 'kind', 'metadata', 'spec', 'status']);
    expect(doc.apiVersion).toBe('apps/v1');
    expect(doc.kind).toBe('Deployment');
    expect(doc.metadata).toEqual({ name: 'web', namespace: 'default', uid: 'u1', creationTimestamp: T });
    expect(doc.spec.template.spec.containers[0].ports[0]).toEqual({ containerPort: 8080, hostIP: '127.0.0.1' });
    expect(doc.status.readyReplicas).toBe(2);
  });

  test('several objects as a List; JSON too; empty status dropped', () => {
    const doc = JSON.parse(formatObjects('pods', [Pod.fromPartial({ metadata: { name: 'a' } })], 'json', false));
    expect(doc).toEqual({ apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a' } }] });
  });

  test('names', () => {
    expect(formatNames('deployments', [deploy])).toBe('deployment.apps/web\n');
    expect(resourceName('pods', 'x')).toBe('pod/x');
    expect(resourceName('leases', 'l')).toBe('lease.coordination.k8s.io/l');
  });
});

describe('describe', () => {
  test('a deployment with its events', () => {
    const evs = [
      Event.fromPartial({ involvedObject: { kind: 'Deployment', name: 'web', uid: 'u1' }, type: 'Normal', reason: 'ScalingReplicaSet', message: 'Scaled up replica set web-1 to 3', source: { component: 'deployment-controller' }, lastTimestamp: '2024-05-01T11:58:00Z' }),
      Event.fromPartial({ involvedObject: { kind: 'Deployment', name: 'web', uid: 'old' }, reason: 'Other' }),
      Event.fromPartial({ involvedObject: { kind: 'Pod', name: 'web' }, reason: 'Pulled' }),
    ];
    const mine = eventsFor(deploy, evs, 'Deployment');
    expect(mine.map((e) => e.reason)).toEqual(['ScalingReplicaSet']);
    const text = describeObject('deployments', deploy, mine, NOW);
    expect(text).toContain('Name:                   web\n');
    expect(text).toContain('Replicas:               3 desired | 3 updated | 3 total | 2 available | 0 unavailable\n');
    expect(text).toContain('RollingUpdateStrategy:  25% max unavailable, 25% max surge\n');
    expect(text).toContain('\nEvents:\n  Type     Reason              Age    From                    Message\n');
    expect(text).toContain('\n  Normal   ScalingReplicaSet   2m     deployment-controller   Scaled up replica set web-1 to 3\n');
  });

  test('a pod without events', () => {
    const text = describeObject('pods', pods[0], [], NOW);
    expect(text).toContain('Status:             Running\n');
    expect(text).toContain('  web:\n    Image:          x\n');
    expect(text.endsWith('Events:  <none>\n')).toBe(true);
  });
});
