import { errorMessage, type FieldError } from '../errors';
import { KINDS, type AnyObject, type KindName, type TypedObjects } from '../api/kinds';
import type { DeploymentStrategy, LabelSelector, ObjectMeta, PodTemplateSpec } from '../api/types';
import { labelSelectorFromMessage } from '../selectors';
import { dnsLabelProblem, dnsSubdomainProblem } from './names';
import { nonNegative, validateLabels, validatePodSpec, type Report } from './validate-pod';

const ANNOTATIONS_MAX_BYTES = 256 * 1024;
const STRATEGIES = ['RollingUpdate', 'Recreate'];

function validateMeta(report: Report, kind: KindName, meta: ObjectMeta | undefined): void {
  if (!meta) return report('metadata', 'is required');
  if (!meta.name && !meta.generateName) report('metadata.name', 'name or generateName is required');
  if (meta.name) {
    const p = dnsSubdomainProblem(meta.name);
    if (p) report('metadata.name', p);
  }
  if (meta.generateName) {
    // A prefix: it is valid if a name made from it would be.
    const p = dnsSubdomainProblem(meta.generateName.replace(/[-.]$/, '') + 'x');
    if (p) report('metadata.generateName', p);
  }
  if (KINDS[kind].namespaced) {
    if (meta.namespace) {
      const p = dnsLabelProblem(meta.namespace);
      if (p) report('metadata.namespace', p);
    }
  } else if (meta.namespace) {
    report('metadata.namespace', `must be empty: ${KINDS[kind].kind} is not namespaced`);
  }
  validateLabelsAndAnnotations(report, 'metadata', meta);
  meta.ownerReferences.forEach((o, i) => {
    for (const k of ['apiVersion', 'kind', 'name', 'uid'] as const) if (!o[k]) report(`metadata.ownerReferences[${i}].${k}`, 'is required');
  });
}

function validateLabelsAndAnnotations(report: Report, f: string, meta: ObjectMeta): void {
  validateLabels(report, `${f}.labels`, meta.labels);
  let size = 0;
  for (const [k, v] of Object.entries(meta.annotations ?? {})) size += Buffer.byteLength(k) + Buffer.byteLength(v);
  if (size > ANNOTATIONS_MAX_BYTES) report(`${f}.annotations`, `may not exceed ${ANNOTATIONS_MAX_BYTES} bytes in total, got ${size}`);
}

/** "25%" or "1"; returns the problem, or undefined. */
function intOrPercentProblem(value: string, maxPercent?: number): string | undefined {
  const m = /^(\d+)(%?)$/.exec(value);
  if (!m) return `must be a non-negative integer or a percentage ("25%"), got "${value}"`;
  if (m[2] && maxPercent !== undefined && Number(m[1]) > maxPercent) return `must not be greater than ${maxPercent}%, got "${value}"`;
  return undefined;
}

const isZero = (v: string) => /^0+%?$/.test(v);

function validateStrategy(report: Report, f: string, s: DeploymentStrategy | undefined): void {
  if (!s) return;
  if (s.type && !STRATEGIES.includes(s.type)) report(`${f}.type`, `unsupported value "${s.type}": must be one of "RollingUpdate", "Recreate"`);
  const ru = s.rollingUpdate;
  if (!ru) return;
  if (s.type === 'Recreate') return report(`${f}.rollingUpdate`, 'may not be specified when strategy type is "Recreate"');
  const surge = ru.maxSurge && intOrPercentProblem(ru.maxSurge);
  const unavailable = ru.maxUnavailable && intOrPercentProblem(ru.maxUnavailable, 100);
  if (surge) report(`${f}.rollingUpdate.maxSurge`, surge);
  if (unavailable) report(`${f}.rollingUpdate.maxUnavailable`, unavailable);
  if (ru.maxSurge && ru.maxUnavailable && isZero(ru.maxSurge) && isZero(ru.maxUnavailable)) {
    report(`${f}.rollingUpdate.maxUnavailable`, 'may not be 0 when maxSurge is 0');
  }
}

/** The selector/template pair of a Deployment or ReplicaSet. */
function validateSelectorAndTemplate(report: Report, selector: LabelSelector | undefined, template: PodTemplateSpec | undefined): void {
  const empty = !selector || (Object.keys(selector.matchLabels ?? {}).length === 0 && selector.matchExpressions.length === 0);
  if (empty) report('spec.selector', 'is required and must not be empty');
  else {
    validateLabels(report, 'spec.selector.matchLabels', selector.matchLabels);
    try {
      const matcher = labelSelectorFromMessage(selector);
      if (template && !matcher.matches(template.metadata?.labels ?? {})) report('spec.template.metadata.labels', '`selector` does not match template `labels`');
    } catch (err) {
      report('spec.selector', errorMessage(err));
    }
  }
  if (!template) return report('spec.template', 'is required');
  if (template.metadata) validateLabelsAndAnnotations(report, 'spec.template.metadata', template.metadata);
  validatePodSpec(report, 'spec.template.spec', template.spec, ['Always']);
}

const validators: { [K in KindName]: (report: Report, obj: TypedObjects[K]) => void } = {
  pods(report, pod) {
    validatePodSpec(report, 'spec', pod.spec);
  },
  deployments(report, d) {
    const s = d.spec;
    if (!s) return report('spec', 'is required');
    nonNegative(report, 'spec.replicas', s.replicas);
    nonNegative(report, 'spec.minReadySeconds', s.minReadySeconds);
    nonNegative(report, 'spec.revisionHistoryLimit', s.revisionHistoryLimit);
    if (s.progressDeadlineSeconds !== undefined && s.progressDeadlineSeconds <= s.minReadySeconds) {
      report('spec.progressDeadlineSeconds', `must be greater than minReadySeconds (${s.minReadySeconds})`);
    }
    validateStrategy(report, 'spec.strategy', s.strategy);
    validateSelectorAndTemplate(report, s.selector, s.template);
  },
  replicasets(report, rs) {
    const s = rs.spec;
    if (!s) return report('spec', 'is required');
    nonNegative(report, 'spec.replicas', s.replicas);
    nonNegative(report, 'spec.minReadySeconds', s.minReadySeconds);
    validateSelectorAndTemplate(report, s.selector, s.template);
  },
  nodes(report, n) {
    n.spec?.taints.forEach((t, i) => {
      if (!['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(t.effect)) report(`spec.taints[${i}].effect`, 'must be one of "NoSchedule", "PreferNoSchedule", "NoExecute"');
    });
  },
  events(report, e) {
    if (!e.involvedObject?.name) report('involvedObject.name', 'is required');
  },
  leases(report, l) {
    nonNegative(report, 'spec.leaseDurationSeconds', l.spec?.leaseDurationSeconds);
  },
};

/**
 * Semantic validation of a typed object, run by the apiserver on every write and by the
 * CLI before sending. Pure. Returns every problem, each naming its field path.
 */
export function validateObject(kind: KindName, obj: AnyObject): FieldError[] {
  const errors: FieldError[] = [];
  const report: Report = (field, message) => {
    errors.push({ field, message });
  };
  validateMeta(report, kind, obj.metadata);
  (validators[kind] as (r: Report, o: AnyObject) => void)(report, obj);
  return errors;
}
