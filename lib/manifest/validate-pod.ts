// Semantic checks of a pod spec (a Pod's or a template's), Kubernetes' ValidatePodSpec for
// the fields berth has.
import type { Container, PodSpec, Probe, ResourceRequirements, Volume } from '../api/types';
import { parseReference } from '../image/reference';
import { labelKeyProblem, labelValueProblem } from '../selectors';
import { parseQuantity } from '../quantity';
import { errorMessage } from '../errors';
import { dnsLabelProblem, envNameProblem, portNameProblem } from './names';

/** Records one problem at a field path. */
export type Report = (field: string, message: string) => void;

const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const PROTOCOLS = ['TCP', 'UDP'];
const RESOURCES = ['cpu', 'memory', 'ephemeral-storage'];
const HOST_PATH_TYPES = ['', 'DirectoryOrCreate', 'Directory', 'FileOrCreate', 'File', 'Socket', 'CharDevice', 'BlockDevice'];

const oneOf = (values: string[]) => `must be one of ${values.map((v) => `"${v}"`).join(', ')}`;

export function nonNegative(report: Report, field: string, value: number | undefined): void {
  if (value !== undefined && value < 0) report(field, `must be greater than or equal to 0, got ${value}`);
}

function validPort(report: Report, field: string, port: number, min: number): void {
  if (!Number.isInteger(port) || port < min || port > 65535) report(field, `must be between ${min} and 65535, inclusive, got ${port}`);
}

/** Label maps (labels, nodeSelector): key and value syntax. */
export function validateLabels(report: Report, field: string, labels: Record<string, string> | undefined): void {
  for (const [k, v] of Object.entries(labels ?? {})) {
    const problem = labelKeyProblem(k) ?? labelValueProblem(v);
    if (problem) report(`${field}[${JSON.stringify(k)}]`, problem);
  }
}

function validateQuantities(report: Report, field: string, res: ResourceRequirements | undefined): void {
  const parsed: Record<'limits' | 'requests', Record<string, bigint>> = { limits: {}, requests: {} };
  for (const which of ['limits', 'requests'] as const) {
    for (const [name, q] of Object.entries(res?.[which] ?? {})) {
      const f = `${field}.${which}.${name}`;
      if (!RESOURCES.includes(name)) {
        report(f, `unsupported resource "${name}": berth manages ${RESOURCES.join(', ')}`);
        continue;
      }
      try {
        const v = parseQuantity(q);
        if (v < 0n) report(f, `must be greater than or equal to 0, got "${q}"`);
        else parsed[which][name] = v;
      } catch (err) {
        report(f, errorMessage(err));
      }
    }
  }
  for (const [name, req] of Object.entries(parsed.requests)) {
    const limit = parsed.limits[name];
    if (limit !== undefined && req > limit) report(`${field}.requests.${name}`, `must be less than or equal to ${name} limit of ${res?.limits[name]}, got "${res?.requests[name]}"`);
  }
}

function validateProbePort(report: Report, field: string, port: string): void {
  if (port === '') return report(field, 'port is required');
  if (/^\d+$/.test(port)) return validPort(report, field, Number(port), 1);
  const problem = portNameProblem(port);
  if (problem) report(field, `must be a port number or a port name: ${problem}`);
}

function validateProbe(report: Report, field: string, probe: Probe | undefined, liveness: boolean): void {
  if (!probe) return;
  const handlers = [probe.exec, probe.httpGet, probe.tcpSocket].filter((h) => h !== undefined);
  if (handlers.length !== 1) report(field, handlers.length === 0 ? 'must specify a handler type (exec, httpGet or tcpSocket)' : 'may not specify more than one handler type');
  if (probe.exec && probe.exec.command.length === 0) report(`${field}.exec.command`, 'is required');
  if (probe.httpGet) {
    validateProbePort(report, `${field}.httpGet.port`, probe.httpGet.port);
    if (probe.httpGet.scheme && !['HTTP', 'HTTPS'].includes(probe.httpGet.scheme)) report(`${field}.httpGet.scheme`, oneOf(['HTTP', 'HTTPS']));
  }
  if (probe.tcpSocket) validateProbePort(report, `${field}.tcpSocket.port`, probe.tcpSocket.port);
  for (const k of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold'] as const) nonNegative(report, `${field}.${k}`, probe[k]);
  if (liveness && probe.successThreshold > 1) report(`${field}.successThreshold`, 'must be 1 for a liveness probe');
}

function validateContainer(report: Report, f: string, c: Container, volumes: Set<string>): void {
  if (!c.name) report(`${f}.name`, 'is required');
  else {
    const p = dnsLabelProblem(c.name);
    if (p) report(`${f}.name`, p);
  }
  if (!c.image) report(`${f}.image`, 'is required');
  else {
    try {
      parseReference(c.image);
    } catch (err) {
      report(`${f}.image`, errorMessage(err));
    }
  }
  if (c.imagePullPolicy && !PULL_POLICIES.includes(c.imagePullPolicy)) report(`${f}.imagePullPolicy`, oneOf(PULL_POLICIES));
  const portNames = new Set<string>();
  c.ports.forEach((p, i) => {
    const pf = `${f}.ports[${i}]`;
    validPort(report, `${pf}.containerPort`, p.containerPort, 1);
    if (p.hostPort !== 0) validPort(report, `${pf}.hostPort`, p.hostPort, 1);
    if (p.protocol && !PROTOCOLS.includes(p.protocol)) report(`${pf}.protocol`, oneOf(PROTOCOLS));
    if (p.name) {
      const problem = portNameProblem(p.name);
      if (problem) report(`${pf}.name`, problem);
      else if (portNames.has(p.name)) report(`${pf}.name`, `duplicate port name "${p.name}"`);
      portNames.add(p.name);
    }
  });
  c.env.forEach((e, i) => {
    if (!e.name) report(`${f}.env[${i}].name`, 'is required');
    else {
      const p = envNameProblem(e.name);
      if (p) report(`${f}.env[${i}].name`, p);
    }
  });
  validateQuantities(report, `${f}.resources`, c.resources);
  const mountPaths = new Set<string>();
  c.volumeMounts.forEach((m, i) => {
    const mf = `${f}.volumeMounts[${i}]`;
    if (!m.name) report(`${mf}.name`, 'is required');
    else if (!volumes.has(m.name)) report(`${mf}.name`, `volume "${m.name}" is not declared in the pod's volumes`);
    if (!m.mountPath.startsWith('/')) report(`${mf}.mountPath`, m.mountPath ? `must be an absolute path, got "${m.mountPath}"` : 'is required');
    else if (mountPaths.has(m.mountPath)) report(`${mf}.mountPath`, `"${m.mountPath}" is mounted twice`);
    mountPaths.add(m.mountPath);
    if (m.subPath && (m.subPath.startsWith('/') || m.subPath.split('/').includes('..'))) report(`${mf}.subPath`, `must be a relative path without "..", got "${m.subPath}"`);
  });
  validateProbe(report, `${f}.livenessProbe`, c.livenessProbe, true);
  validateProbe(report, `${f}.readinessProbe`, c.readinessProbe, false);
}

function validateVolume(report: Report, f: string, v: Volume): void {
  if (!v.name) report(`${f}.name`, 'is required');
  else {
    const p = dnsLabelProblem(v.name);
    if (p) report(`${f}.name`, p);
  }
  const sources = [v.emptyDir, v.hostPath].filter((s) => s !== undefined).length;
  if (sources !== 1) report(f, sources === 0 ? 'must specify a volume type (emptyDir or hostPath)' : 'may not specify more than one volume type');
  if (v.hostPath) {
    if (!v.hostPath.path.startsWith('/')) report(`${f}.hostPath.path`, `must be an absolute path, got "${v.hostPath.path}"`);
    if (!HOST_PATH_TYPES.includes(v.hostPath.type)) report(`${f}.hostPath.type`, oneOf(HOST_PATH_TYPES.slice(1)));
  }
  if (v.emptyDir) {
    if (v.emptyDir.medium && v.emptyDir.medium !== 'Memory') report(`${f}.emptyDir.medium`, oneOf(['', 'Memory']));
    if (v.emptyDir.sizeLimit) {
      try {
        parseQuantity(v.emptyDir.sizeLimit);
      } catch (err) {
        report(`${f}.emptyDir.sizeLimit`, errorMessage(err));
      }
    }
  }
}

/**
 * A pod spec. `restartPolicies` narrows the allowed policies (Deployment and ReplicaSet
 * templates allow only Always).
 */
export function validatePodSpec(report: Report, f: string, spec: PodSpec | undefined, restartPolicies = RESTART_POLICIES): void {
  if (!spec) return report(f, 'is required');
  const volumes = new Set<string>();
  spec.volumes.forEach((v, i) => {
    validateVolume(report, `${f}.volumes[${i}]`, v);
    if (v.name && volumes.has(v.name)) report(`${f}.volumes[${i}].name`, `duplicate volume name "${v.name}"`);
    volumes.add(v.name);
  });
  if (spec.containers.length === 0) report(`${f}.containers`, 'must have at least one container');
  const names = new Set<string>();
  spec.containers.forEach((c, i) => {
    validateContainer(report, `${f}.containers[${i}]`, c, volumes);
    if (c.name && names.has(c.name)) report(`${f}.containers[${i}].name`, `duplicate container name "${c.name}"`);
    names.add(c.name);
  });
  if (spec.restartPolicy && !restartPolicies.includes(spec.restartPolicy)) report(`${f}.restartPolicy`, `unsupported value "${spec.restartPolicy}": ${oneOf(restartPolicies)}`);
  nonNegative(report, `${f}.terminationGracePeriodSeconds`, spec.terminationGracePeriodSeconds);
  validateLabels(report, `${f}.nodeSelector`, spec.nodeSelector);
  if (spec.hostname) {
    const p = dnsLabelProblem(spec.hostname);
    if (p) report(`${f}.hostname`, p);
  }
}
