// `berth describe`: a readable summary of one object and its events. Pure.
import { stringify } from 'yaml';
import type { AnyObject, KindName, TypedObjects } from '../../lib/api/kinds';
import type { Condition, Container, Event, ObjectMeta, PodTemplateSpec, Probe } from '../../lib/api/types';
import { labelSelectorToString } from '../../lib/selectors';
import { toManifest } from '../../lib/manifest/to-manifest';
import { age } from './age';
import { podSummary } from './pod-status';
import { formatTable } from './table';

type Lines = [string, string][];

const map = (m: Record<string, string> | undefined, sep = '=') => {
  const entries = Object.entries(m ?? {});
  return entries.length ? entries.map(([k, v]) => `${k}${sep}${v}`).join('\n') : '<none>';
};

function metaLines(meta: ObjectMeta | undefined): Lines {
  const lines: Lines = [['Name', meta?.name ?? '']];
  if (meta?.namespace) lines.push(['Namespace', meta.namespace]);
  lines.push(['Labels', map(meta?.labels)], ['Annotations', map(meta?.annotations, ': ')], ['CreationTimestamp', meta?.creationTimestamp || '<unknown>']);
  if (meta?.deletionTimestamp) lines.push(['DeletionTimestamp', `${meta.deletionTimestamp} (grace period ${meta.deletionGracePeriodSeconds}s)`]);
  if (meta?.ownerReferences.length) lines.push(['Controlled By', meta.ownerReferences.map((o) => `${o.kind}/${o.name}`).join(', ')]);
  return lines;
}

/** Label/value lines; multi-line values continue indented under their value column. */
function block(lines: Lines, indent = ''): string {
  const width = Math.max(...lines.map(([k]) => k.length)) + 3;
  return lines
    .map(([k, v]) => {
      const [first, ...rest] = v.split('\n');
      const pad = ' '.repeat(indent.length + width);
      return `${indent}${`${k}:`.padEnd(width)}${first}\n${rest.map((r) => `${pad}${r}\n`).join('')}`;
    })
    .join('');
}

function probe(p: Probe | undefined): string | undefined {
  if (!p) return undefined;
  const how = p.httpGet ? `http-get ${p.httpGet.scheme === 'HTTPS' ? 'https' : 'http'}://${p.httpGet.host || ''}:${p.httpGet.port}${p.httpGet.path}` : p.tcpSocket ? `tcp-socket :${p.tcpSocket.port}` : p.exec ? `exec [${p.exec.command.join(' ')}]` : '<none>';
  return `${how} delay=${p.initialDelaySeconds}s timeout=${p.timeoutSeconds}s period=${p.periodSeconds}s #success=${p.successThreshold} #failure=${p.failureThreshold}`;
}

function containers(cs: Container[], statuses: TypedObjects['pods']['status'] | undefined): string {
  return cs
    .map((c) => {
      const st = statuses?.containerStatuses.find((s) => s.name === c.name);
      const lines: Lines = [['Image', c.image]];
      if (st?.imageId) lines.push(['Image ID', st.imageId]);
      if (c.ports.length) lines.push(['Ports', c.ports.map((p) => `${p.containerPort}/${p.protocol || 'TCP'}`).join(', ')]);
      if (c.command.length) lines.push(['Command', c.command.join('\n')]);
      if (c.args.length) lines.push(['Args', c.args.join('\n')]);
      if (st) {
        const s = st.state;
        lines.push(['State', s?.running ? s.running.startedAt ? `Running (started ${s.running.startedAt})` : "Running" : s?.waiting ? `Waiting (${s.waiting.reason}${s.waiting.message ? `: ${s.waiting.message}` : ''})` : s?.terminated ? `Terminated (${s.terminated.reason || `exit code ${s.terminated.exitCode}`})` : 'Unknown']);
        lines.push(['Ready', String(st.ready)], ['Restart Count', String(st.restartCount)]);
      }
      if (Object.keys(c.resources?.limits ?? {}).length) lines.push(['Limits', map(c.resources?.limits, ': ')]);
      if (Object.keys(c.resources?.requests ?? {}).length) lines.push(['Requests', map(c.resources?.requests, ': ')]);
      const live = probe(c.livenessProbe);
      const ready = probe(c.readinessProbe);
      if (live) lines.push(['Liveness', live]);
      if (ready) lines.push(['Readiness', ready]);
      if (c.env.length) lines.push(['Environment', c.env.map((e) => `${e.name}: ${e.value}`).join('\n')]);
      if (c.volumeMounts.length) lines.push(['Mounts', c.volumeMounts.map((m) => `${m.mountPath} from ${m.name}${m.readOnly ? ' (ro)' : ' (rw)'}`).join('\n')]);
      return `  ${c.name}:\n${block(lines, '    ')}`;
    })
    .join('');
}

function conditions(cs: Condition[] | undefined): string {
  if (!cs?.length) return '';
  return `Conditions:\n${formatTable([['  Type', 'Status', 'Reason'], ...cs.map((c) => [`  ${c.type}`, c.status, c.reason || ''])])}`;
}

function template(t: PodTemplateSpec | undefined): string {
  return `Pod Template:\n${block([['Labels', map(t?.metadata?.labels)]], '  ')}  Containers:\n${containers(t?.spec?.containers ?? [], undefined).replace(/^(?=.)/gm, '  ')}`;
}

/** The kind's own top-level lines (aligned with the metadata ones) and the sections after them. */
function body(kind: KindName, obj: AnyObject, now: number): { lines: Lines; sections: string } {
  switch (kind) {
    case 'pods': {
      const p = obj as TypedObjects['pods'];
      const s = podSummary(p, now);
      const lines: Lines = [['Node', p.spec?.nodeName || '<none>'], ['Status', s.status], ['IP', p.status?.podIp || '<none>']];
      if (p.status?.message) lines.push(['Message', p.status.message]);
      return { lines, sections: `Containers:\n${containers(p.spec?.containers ?? [], p.status)}${conditions(p.status?.conditions)}Volumes:${p.spec?.volumes.length ? '\n' + p.spec.volumes.map((v) => `  ${v.name}: ${v.emptyDir ? `EmptyDir${v.emptyDir.medium ? ` (${v.emptyDir.medium})` : ''}` : `HostPath ${v.hostPath?.path}`}\n`).join('') : ' <none>\n'}` };
    }
    case 'deployments': {
      const d = obj as TypedObjects['deployments'];
      const st = d.status;
      const lines: Lines = [
        ['Selector', d.spec?.selector ? labelSelectorToString(d.spec.selector) : '<none>'],
        ['Replicas', `${d.spec?.replicas ?? 0} desired | ${st?.updatedReplicas ?? 0} updated | ${st?.replicas ?? 0} total | ${st?.availableReplicas ?? 0} available | ${st?.unavailableReplicas ?? 0} unavailable`],
        ['StrategyType', d.spec?.strategy?.type || 'RollingUpdate'],
        ['MinReadySeconds', String(d.spec?.minReadySeconds ?? 0)],
      ];
      const ru = d.spec?.strategy?.rollingUpdate;
      if (ru) lines.push(['RollingUpdateStrategy', `${ru.maxUnavailable} max unavailable, ${ru.maxSurge} max surge`]);
      if (d.spec?.paused) lines.push(['Paused', 'true']);
      return { lines, sections: `${template(d.spec?.template)}${conditions(st?.conditions)}` };
    }
    case 'replicasets': {
      const rs = obj as TypedObjects['replicasets'];
      const lines: Lines = [
        ['Selector', rs.spec?.selector ? labelSelectorToString(rs.spec.selector) : '<none>'],
        ['Replicas', `${rs.status?.replicas ?? 0} current / ${rs.spec?.replicas ?? 0} desired`],
        ['Pods Status', `${rs.status?.readyReplicas ?? 0} Ready / ${rs.status?.availableReplicas ?? 0} Available`],
      ];
      return { lines, sections: template(rs.spec?.template) };
    }
    default: {
      // Nodes, events and leases: their spec and status as YAML.
      const { spec, status } = toManifest(kind, obj) as { spec?: unknown; status?: unknown };
      const indent = (v: unknown) => stringify(v).replace(/^(?=.)/gm, '  ');
      return { lines: [], sections: `${spec ? `Spec:\n${indent(spec)}` : ''}${status ? `Status:\n${indent(status)}` : ''}` };
    }
  }
}

function events(evs: Event[], now: number): string {
  if (evs.length === 0) return 'Events:  <none>\n';
  const rows = [['  Type', 'Reason', 'Age', 'From', 'Message'], ['  ----', '------', '----', '----', '-------']];
  for (const e of evs) rows.push([`  ${e.type}`, e.reason, age(e.lastTimestamp || e.firstTimestamp || e.metadata?.creationTimestamp, now), e.source?.component ?? '', e.message]);
  return `Events:\n${formatTable(rows)}`;
}

/** Events about an object (the API may lack an involvedObject field selector: filter here). */
export function eventsFor(obj: AnyObject, all: Event[], kindName: string): Event[] {
  const meta = obj.metadata;
  return all
    .filter((e) => e.involvedObject?.kind === kindName && e.involvedObject.name === meta?.name && (!e.involvedObject.uid || !meta?.uid || e.involvedObject.uid === meta.uid))
    .sort((a, b) => (a.lastTimestamp || a.firstTimestamp).localeCompare(b.lastTimestamp || b.firstTimestamp));
}

export function describeObject(kind: KindName, obj: AnyObject, evs: Event[], now: number): string {
  const b = body(kind, obj, now);
  return `${block([...metaLines(obj.metadata), ...b.lines])}${b.sections}${events(evs, now)}`;
}
