import { Node, Pod, objectKey, type ContainerImage } from '../../lib/api';
import type { SchedulerCache } from './cache';
import { podFacts } from './pod-facts';

/** Builders shared by the scheduler's table tests. */
export function makeNode(name: string, opts: { cpu?: string; memory?: string; pods?: string; ready?: boolean; unschedulable?: boolean; labels?: Record<string, string>; images?: ContainerImage[] } = {}): Node {
  return Node.fromPartial({
    metadata: { name, labels: opts.labels ?? {} },
    spec: { unschedulable: opts.unschedulable ?? false },
    status: {
      allocatable: { cpu: opts.cpu ?? '4', memory: opts.memory ?? '8Gi', pods: opts.pods ?? '110' },
      conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True' }],
      images: opts.images ?? [],
    },
  });
}

export function makePod(name: string, opts: { cpu?: string; memory?: string; hostPort?: number; nodeSelector?: Record<string, string>; owner?: string; image?: string; nodeName?: string } = {}): Pod {
  return Pod.fromPartial({
    metadata: { name, namespace: 'default', uid: `uid-${name}`, ownerReferences: opts.owner ? [{ kind: 'ReplicaSet', name: opts.owner, uid: opts.owner, controller: true }] : [] },
    spec: {
      nodeName: opts.nodeName ?? '',
      nodeSelector: opts.nodeSelector ?? {},
      containers: [
        {
          name: 'c',
          image: opts.image ?? 'app:1.0',
          resources: { requests: { ...(opts.cpu ? { cpu: opts.cpu } : {}), ...(opts.memory ? { memory: opts.memory } : {}) }, limits: {} },
          ports: opts.hostPort ? [{ containerPort: 80, hostPort: opts.hostPort, protocol: 'TCP', name: '', hostIp: '' }] : [],
        },
      ],
    },
  });
}

/** Accounts a bound pod in the cache, as the scheduler's pod handler does. */
export function addBound(cache: SchedulerCache, pod: Pod): void {
  const key = objectKey(pod.metadata ?? { namespace: '', name: '' });
  cache.addBoundPod(key, pod.spec?.nodeName ?? '', podFacts(key, pod));
}
