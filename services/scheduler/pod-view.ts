import { objectKey, type Condition, type ObjectMeta, type Pod } from '../../lib/api';
import { getCondition, type StringInterner } from '../../lib/controller';
import { podFacts, type PodFacts } from './pod-facts';

const NO_PORTS: readonly string[] = Object.freeze([]);
const NO_SELECTOR: Readonly<Record<string, string>> = Object.freeze({});
const NO_IMAGES: readonly (readonly string[])[] = Object.freeze([]);

/**
 * What the scheduler caches of a pod (its informer's transform): identity, node, phase, and the
 * pod's scheduling facts computed once when the pod changes, not per decision. The container
 * specs, env, annotations and statuses of 30,000 decoded pods were most of the scheduler's heap;
 * none of them is read after the facts are computed. A bound pod keeps only what it takes from
 * its node (requests, host ports, owner); an unbound one also its selector, image keys and
 * PodScheduled condition (to not rewrite the same "0/N nodes" message) and its uid and generation
 * (binding, retries). The spec and status of bound pods are shared per node and phase.
 */
export interface SchedulerPod {
  metadata: Pick<ObjectMeta, 'name' | 'namespace' | 'uid' | 'resourceVersion' | 'generation' | 'deletionTimestamp'>;
  spec: { nodeName: string };
  status: { phase: string; scheduled?: Condition };
  /** Undefined when the pod's requests do not parse: it is never scheduled (nothing could fit it safely). */
  facts: PodFacts | undefined;
}

export function schedulerPodView(p: Pod, s: StringInterner): SchedulerPod {
  const m = p.metadata;
  const nodeName = s.get(p.spec?.nodeName ?? '');
  const metadata = {
    name: m?.name ?? '',
    namespace: s.get(m?.namespace ?? ''),
    uid: nodeName ? '' : (m?.uid ?? ''),
    resourceVersion: m?.resourceVersion ?? '',
    generation: nodeName ? 0 : (m?.generation ?? 0),
    deletionTimestamp: m?.deletionTimestamp ?? '',
  };
  let facts: PodFacts | undefined;
  try {
    facts = podFacts(objectKey(metadata), p);
  } catch {
    facts = undefined;
  }
  if (facts) {
    facts.ownerUid = s.get(facts.ownerUid);
    if (!facts.hostPorts.length) facts.hostPorts = NO_PORTS;
    if (nodeName) {
      facts.nodeSelector = NO_SELECTOR;
      facts.images = NO_IMAGES;
    }
  }
  const phase = s.get(p.status?.phase ?? '');
  if (nodeName) return { metadata, spec: s.shared(`spec\0${nodeName}`, () => ({ nodeName })), status: s.shared(`status\0${phase}`, () => ({ phase })), facts };
  const scheduled = getCondition(p.status?.conditions, 'PodScheduled');
  return { metadata, spec: { nodeName }, status: { phase, ...(scheduled ? { scheduled } : {}) }, facts };
}
