import { Pod, type ContainerStatus, type OwnerReference } from '../../lib/api';
import { identityMeta, type StringInterner } from '../../lib/controller';

/**
 * The part of a pod the controller-manager reads, for its shared pod cache: identity, labels,
 * owners, finalizers and deletion; the node; phase, the Ready condition (with its transition
 * time, for minReadySeconds) and per container the restart count and waiting reason (ranking,
 * crash loops). Container specs, annotations and the other conditions stay out: at 30,000 pods
 * they are most of the cache. Writers re-read a pod before changing it (the GC does), and
 * nothing here writes a pod from this view.
 */
export function controllerPodView(p: Pod, s: StringInterner): Pod {
  const m = p.metadata;
  const ready = p.status?.conditions?.find((c) => c.type === 'Ready');
  return Pod.fromPartial({
    metadata: m && {
      ...identityMeta(m, s),
      creationTimestamp: s.get(m.creationTimestamp),
      deletionGracePeriodSeconds: m.deletionGracePeriodSeconds,
      labels: s.record(m.labels),
      ownerReferences: m.ownerReferences.map((r) => internRef(r, s)),
      finalizers: m.finalizers,
    },
    spec: { nodeName: s.get(p.spec?.nodeName ?? '') },
    status: {
      phase: s.get(p.status?.phase ?? ''),
      conditions: ready ? [{ type: s.get(ready.type), status: s.get(ready.status), lastTransitionTime: s.get(ready.lastTransitionTime) }] : [],
      containerStatuses: (p.status?.containerStatuses ?? []).map((c) => containerView(c, s)),
    },
  });
}

function internRef(r: OwnerReference, s: StringInterner): OwnerReference {
  return { ...r, apiVersion: s.get(r.apiVersion), kind: s.get(r.kind), name: s.get(r.name), uid: s.get(r.uid) };
}

function containerView(c: ContainerStatus, s: StringInterner): Partial<ContainerStatus> {
  const reason = c.state?.waiting?.reason;
  return { name: s.get(c.name), restartCount: c.restartCount, ready: c.ready, state: reason ? { waiting: { reason: s.get(reason), message: '' }, running: undefined, terminated: undefined } : undefined };
}
