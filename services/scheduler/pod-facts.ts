import type { Pod } from '../../lib/api';
import { controllerRef } from '../../lib/controller';
import { cpuMillis, memoryBytes } from '../../lib/quantity';
import { IMAGE_DIGESTS_ANNOTATION } from '../../lib/rollout';
import { imageKeys } from './image-keys';

/**
 * What the plugins need to know about a pod, computed once per scheduling attempt instead of
 * once per node (5,000 nodes × every plugin would otherwise re-parse quantities and images).
 */
export interface PodFacts {
  key: string;
  milliCpu: number;
  memoryBytes: number;
  /** "TCP/8080" for every container port with a hostPort. */
  hostPorts: readonly string[];
  nodeSelector: Readonly<Record<string, string>>;
  ownerUid: string;
  /** Per container, the keys its image may be listed under in node.status.images. */
  images: readonly (readonly string[])[];
}

export interface Requests {
  milliCpu: number;
  memoryBytes: number;
}

/** Sum of the containers' requests; a container with only limits requests its limits (Kubernetes' defaulting). */
export function podRequests(pod: Pod): Requests {
  let milliCpu = 0;
  let bytes = 0;
  for (const c of pod.spec?.containers ?? []) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    const cpu = req.cpu ?? lim.cpu;
    const mem = req.memory ?? lim.memory;
    if (cpu) milliCpu += cpuMillis(cpu);
    if (mem) bytes += memoryBytes(mem);
  }
  return { milliCpu, memoryBytes: bytes };
}

export function podHostPorts(pod: Pod): string[] {
  const out: string[] = [];
  for (const c of pod.spec?.containers ?? []) for (const p of c.ports ?? []) if (p.hostPort > 0) out.push(`${p.protocol || 'TCP'}/${p.hostPort}`);
  return out;
}

export function podFacts(key: string, pod: Pod): PodFacts {
  const req = podRequests(pod);
  let digests: Record<string, string> = {};
  const raw = pod.metadata?.annotations?.[IMAGE_DIGESTS_ANNOTATION];
  if (raw) {
    try {
      digests = JSON.parse(raw) as Record<string, string>;
    } catch {
      // A malformed annotation only costs image locality, never scheduling.
    }
  }
  return {
    key,
    milliCpu: req.milliCpu,
    memoryBytes: req.memoryBytes,
    hostPorts: podHostPorts(pod),
    nodeSelector: pod.spec?.nodeSelector ?? {},
    ownerUid: controllerRef(pod.metadata)?.uid ?? '',
    images: (pod.spec?.containers ?? []).map((c) => [...(digests[c.name] ? imageKeys(digests[c.name]) : []), ...imageKeys(c.image)]),
  };
}
