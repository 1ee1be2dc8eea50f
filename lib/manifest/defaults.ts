// Kubernetes' defaulting (pkg/apis/*/v1/defaults.go) for the fields berth has. In place and
// idempotent: the apiserver runs it on every write.
import { KINDS, type AnyObject, type KindName, type TypedObjects } from '../api/kinds';
import type { Container, PodSpec, Probe } from '../api/types';
import { parseReference } from '../image/reference';

const DEFAULT_PERCENT = '25%';

/** Always for `:latest` or no tag, else IfNotPresent (a digest pins the bytes anyway). */
export function defaultPullPolicy(image: string): string {
  try {
    const ref = parseReference(image);
    return ref.digest === undefined && (ref.tag === undefined || ref.tag === 'latest') ? 'Always' : 'IfNotPresent';
  } catch {
    return 'IfNotPresent'; // invalid: validation reports it
  }
}

function defaultProbe(p: Probe | undefined): void {
  if (!p) return;
  p.timeoutSeconds ||= 1;
  p.periodSeconds ||= 10;
  p.successThreshold ||= 1;
  p.failureThreshold ||= 3;
  if (p.httpGet) {
    p.httpGet.scheme ||= 'HTTP';
    p.httpGet.path ||= '/';
  }
}

function defaultContainer(c: Container): void {
  c.imagePullPolicy ||= defaultPullPolicy(c.image);
  for (const port of c.ports) port.protocol ||= 'TCP';
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
}

/** Pod spec defaults. terminationGracePeriodSeconds 0 reads as unset (proto3 has no presence for it). */
export function defaultPodSpec(spec: PodSpec | undefined): void {
  if (!spec) return;
  spec.restartPolicy ||= 'Always';
  spec.terminationGracePeriodSeconds ||= 30;
  spec.containers.forEach(defaultContainer);
}

const byKind: { [K in KindName]?: (obj: TypedObjects[K]) => void } = {
  pods(pod) {
    defaultPodSpec(pod.spec);
  },
  deployments(d) {
    const s = d.spec;
    if (!s) return;
    s.replicas ??= 1;
    s.revisionHistoryLimit ??= 10;
    s.progressDeadlineSeconds ??= 600;
    s.strategy ??= { type: '', rollingUpdate: undefined };
    s.strategy.type ||= 'RollingUpdate';
    if (s.strategy.type === 'RollingUpdate') {
      s.strategy.rollingUpdate ??= { maxSurge: '', maxUnavailable: '' };
      s.strategy.rollingUpdate.maxSurge ||= DEFAULT_PERCENT;
      s.strategy.rollingUpdate.maxUnavailable ||= DEFAULT_PERCENT;
    }
    defaultPodSpec(s.template?.spec);
  },
  replicasets(rs) {
    if (!rs.spec) return;
    rs.spec.replicas ??= 1;
    defaultPodSpec(rs.spec.template?.spec);
  },
};

/** Fills in Kubernetes' defaults in place (strategy 25%/25%, revisionHistoryLimit 10, ...). */
export function applyDefaults(kind: KindName, obj: AnyObject): void {
  if (obj.metadata && KINDS[kind].namespaced) obj.metadata.namespace ||= 'default';
  (byKind[kind] as ((o: AnyObject) => void) | undefined)?.(obj);
}
