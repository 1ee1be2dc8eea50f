// The columns of `berth get` per kind, like kubectl's printers (pkg/printers/internalversion).
import type { KindName, TypedObjects } from '../../lib/api/kinds';
import type { Container, LabelSelector, Node } from '../../lib/api/types';
import { labelSelectorToString } from '../../lib/selectors';
import { age } from './age';
import { podSummary } from './pod-status';

export interface Columns<T> {
  headers: string[];
  wide: string[];
  row(obj: T, now: number): string[];
  wideRow(obj: T, now: number): string[];
}

const NONE = '<none>';
const orNone = (s: string | undefined) => s || NONE;
const created = (o: { metadata?: { creationTimestamp: string } }, now: number) => age(o.metadata?.creationTimestamp, now);
const containerColumns = (cs: Container[] | undefined, sel: LabelSelector | undefined) => [
  orNone((cs ?? []).map((c) => c.name).join(',')),
  orNone((cs ?? []).map((c) => c.image).join(',')),
  orNone(sel && labelSelectorToString(sel)),
];

function nodeStatus(n: Node): string {
  const ready = n.status?.conditions.find((c) => c.type === 'Ready');
  const status = !ready ? 'Unknown' : ready.status === 'True' ? 'Ready' : 'NotReady';
  return n.spec?.unschedulable ? `${status},SchedulingDisabled` : status;
}

function nodeRoles(n: Node): string {
  const roles = Object.entries(n.metadata?.labels ?? {}).flatMap(([k, v]) => {
    if (k.startsWith('node-role.kubernetes.io/')) return [k.slice('node-role.kubernetes.io/'.length)];
    return k === 'kubernetes.io/role' ? [v] : [];
  });
  return orNone(roles.filter(Boolean).sort().join(','));
}

const address = (n: Node, type: string) => orNone(n.status?.addresses.find((a) => a.type === type)?.address);

export const COLUMNS: { [K in KindName]: Columns<TypedObjects[K]> } = {
  pods: {
    headers: ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
    wide: ['IP', 'NODE'],
    row(p, now) {
      const s = podSummary(p, now);
      return [p.metadata?.name ?? '', s.ready, s.status, s.restarts, created(p, now)];
    },
    wideRow: (p) => [orNone(p.status?.podIp), orNone(p.spec?.nodeName)],
  },
  deployments: {
    headers: ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'],
    wide: ['CONTAINERS', 'IMAGES', 'SELECTOR'],
    row: (d, now) => [d.metadata?.name ?? '', `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 0}`, String(d.status?.updatedReplicas ?? 0), String(d.status?.availableReplicas ?? 0), created(d, now)],
    wideRow: (d) => containerColumns(d.spec?.template?.spec?.containers, d.spec?.selector),
  },
  replicasets: {
    headers: ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE'],
    wide: ['CONTAINERS', 'IMAGES', 'SELECTOR'],
    row: (rs, now) => [rs.metadata?.name ?? '', String(rs.spec?.replicas ?? 0), String(rs.status?.replicas ?? 0), String(rs.status?.readyReplicas ?? 0), created(rs, now)],
    wideRow: (rs) => containerColumns(rs.spec?.template?.spec?.containers, rs.spec?.selector),
  },
  nodes: {
    headers: ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION'],
    wide: ['INTERNAL-IP', 'EXTERNAL-IP', 'OS-IMAGE', 'KERNEL-VERSION', 'CONTAINER-RUNTIME'],
    row: (n, now) => [n.metadata?.name ?? '', nodeStatus(n), nodeRoles(n), created(n, now), orNone(n.status?.nodeInfo?.agentVersion)],
    wideRow: (n) => [address(n, 'InternalIP'), address(n, 'ExternalIP'), orNone(n.status?.nodeInfo?.osImage), orNone(n.status?.nodeInfo?.kernelVersion), orNone(n.status?.nodeInfo?.containerRuntimeVersion)],
  },
  events: {
    headers: ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'],
    wide: [],
    row: (e, now) => [
      age(e.lastTimestamp || e.firstTimestamp || e.metadata?.creationTimestamp, now),
      e.type,
      e.reason,
      `${(e.involvedObject?.kind ?? '').toLowerCase()}/${e.involvedObject?.name ?? ''}`,
      e.message.replace(/\s*\n\s*/g, ' '),
    ],
    wideRow: () => [],
  },
  leases: {
    headers: ['NAME', 'HOLDER', 'AGE'],
    wide: [],
    row: (l, now) => [l.metadata?.name ?? '', orNone(l.spec?.holderIdentity), created(l, now)],
    wideRow: () => [],
  },
};
