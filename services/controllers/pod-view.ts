import type { Condition, ObjectMeta, OwnerReference, Pod, PodSpec } from '../../lib/api';
import type { StringInterner } from '../../lib/controller';

/** Per container, what crash-loop detection and scale-down ranking read. */
export interface ContainerStatusView {
  name: string;
  restartCount: number;
  ready: boolean;
  state?: { waiting?: { reason: string } };
}

/**
 * The part of a pod the controller-manager reads, as its shared pod cache keeps it: identity,
 * labels, owners, finalizers and deletion; the node; phase, the Ready condition (with its
 * transition time, for minReadySeconds) and per container the restart count and waiting reason
 * (ranking, crash loops). A whole `Pod` is one too, so decision functions take either. Writers
 * re-read a pod before changing it (the GC does); nothing writes a pod from this view.
 */
export interface ControllerPod {
  metadata?: Pick<ObjectMeta, 'name' | 'namespace' | 'uid' | 'resourceVersion' | 'generation' | 'deletionTimestamp' | 'creationTimestamp' | 'deletionGracePeriodSeconds'> & {
    labels: Readonly<Record<string, string>>;
    ownerReferences: readonly OwnerReference[];
    finalizers: readonly string[];
  };
  spec?: Pick<PodSpec, 'nodeName'>;
  status?: { phase: string; conditions: readonly Pick<Condition, 'type' | 'status' | 'lastTransitionTime'>[]; containerStatuses: readonly ContainerStatusView[] };
}

const NONE: readonly never[] = Object.freeze([]);

/**
 * Builds the cached view: plain objects (a decoded message carries every field with its default),
 * strings interned, and what many pods hold alike held once, frozen: the labels and owner
 * references of one ReplicaSet, the spec of one node, a status (running pods' differ only in the
 * second they became ready). The identity strings of `prev` (the view this one replaces) are
 * kept: every event decodes fresh copies, and the first ones stay referenced by map keys.
 * Measured at 30,000 pods: 0.4 KB per pod as plain objects, about 0.2 KB with shared parts.
 */
export function controllerPodView(p: Pod, s: StringInterner, prev?: ControllerPod): ControllerPod {
  const m = p.metadata;
  const pm = prev?.metadata && m && prev.metadata.uid === m.uid ? prev.metadata : undefined;
  const nodeName = s.get(p.spec?.nodeName ?? '');
  return {
    metadata: m && {
      name: pm?.name ?? m.name,
      namespace: s.get(m.namespace),
      uid: pm?.uid ?? m.uid,
      resourceVersion: m.resourceVersion,
      generation: m.generation,
      deletionTimestamp: m.deletionTimestamp,
      creationTimestamp: s.get(m.creationTimestamp),
      deletionGracePeriodSeconds: m.deletionGracePeriodSeconds,
      labels: s.sharedRecord(m.labels),
      ownerReferences: m.ownerReferences.length ? s.sharedOwners(m.ownerReferences) : NONE,
      finalizers: m.finalizers.length ? m.finalizers : NONE,
    },
    spec: s.shared(`spec\0${nodeName}`, () => ({ nodeName })),
    status: statusView(p.status, s),
  };
}

function statusView(st: Pod['status'], s: StringInterner): NonNullable<ControllerPod['status']> {
  const ready = st?.conditions?.find((c) => c.type === 'Ready');
  const statuses = (st?.containerStatuses ?? []).map((c) => ({ name: c.name, restartCount: c.restartCount, ready: c.ready, reason: c.state?.waiting?.reason ?? '' }));
  const key = [st?.phase ?? '', ready ? `${ready.type}\0${ready.status}\0${ready.lastTransitionTime}` : '-', ...statuses.map((c) => `${c.name}\0${c.restartCount}\0${c.ready}\0${c.reason}`)].join('\0');
  return s.shared(`status\0${key}`, () => ({
    phase: s.get(st?.phase ?? ''),
    conditions: ready ? Object.freeze([Object.freeze({ type: s.get(ready.type), status: s.get(ready.status), lastTransitionTime: s.get(ready.lastTransitionTime) })]) : NONE,
    containerStatuses: statuses.length ? Object.freeze(statuses.map((c) => Object.freeze(containerView(c, s)))) : NONE,
  }));
}

function containerView(c: { name: string; restartCount: number; ready: boolean; reason: string }, s: StringInterner): ContainerStatusView {
  return c.reason ? { name: s.get(c.name), restartCount: c.restartCount, ready: c.ready, state: { waiting: { reason: s.get(c.reason) } } } : { name: s.get(c.name), restartCount: c.restartCount, ready: c.ready };
}
