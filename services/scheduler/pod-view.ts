import { Pod } from '../../lib/api';
import { identityMeta, type StringInterner } from '../../lib/controller';

/**
 * What the scheduler's pod cache keeps. An unbound pod stays whole: it is about to be scheduled,
 * and a PodScheduled=False write sends its status back. A bound pod only counts against its
 * node: identity, deletion, controlling owner (spreading), phase (finished pods free their
 * node) and its containers' requests and host ports; the rest of it (images, commands, env,
 * annotations, conditions) would be most of the cache at 30,000 pods.
 */
export function schedulerPodView(p: Pod, s: StringInterner): Pod {
  if (!p.spec?.nodeName) return p;
  const m = p.metadata;
  const owner = m?.ownerReferences.find((r) => r.controller);
  return Pod.fromPartial({
    metadata: m && {
      ...identityMeta(m, s),
      ownerReferences: owner ? [{ kind: s.get(owner.kind), name: s.get(owner.name), uid: s.get(owner.uid), controller: true }] : [],
    },
    spec: {
      nodeName: s.get(p.spec.nodeName),
      containers: p.spec.containers.map((c) => ({ name: s.get(c.name), resources: c.resources, ports: c.ports.filter((port) => port.hostPort > 0) })),
    },
    status: { phase: s.get(p.status?.phase ?? '') },
  });
}
