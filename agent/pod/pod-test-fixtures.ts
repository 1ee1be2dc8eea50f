import { Pod, type Container } from '../../lib/api';
import type { ObservedContainer, PodObservation } from './pod-model';

/** A pod bound to node n1 with the given containers (for the pure pod tests). */
export function testPod(containers: Partial<Container>[], extra: { restartPolicy?: string; deleting?: boolean; phase?: string; annotations?: Record<string, string> } = {}): Pod {
  return Pod.fromPartial({
    metadata: { name: 'web', namespace: 'default', uid: 'u1', annotations: extra.annotations ?? {}, deletionTimestamp: extra.deleting ? '2024-01-01T00:00:00.000Z' : '' },
    spec: { nodeName: 'n1', restartPolicy: extra.restartPolicy ?? 'Always', containers: containers.map((c, i) => ({ name: `c${i}`, image: 'busybox:1.36', ...c })) },
    status: { phase: extra.phase ?? 'Pending' },
  });
}

export function observation(containers: Record<string, Partial<ObservedContainer>> = {}, extra: Partial<PodObservation> = {}): PodObservation {
  const cs: PodObservation['containers'] = {};
  for (const [name, c] of Object.entries(containers)) cs[name] = { name, id: `${name}-id`, state: 'running', imageId: 'busybox@sha256:aa', ...c };
  return { sandbox: { ip: '10.0.0.5' }, containers: cs, imagePresent: { c0: true, c1: true }, probes: {}, ...extra };
}
