import { ApiClient } from '../../lib/api/client';
import { errorMessage } from '../../lib/errors';
import { controlPlaneSpecs, endpoints } from './components';
import { readRoutes, netnsExists } from './host-network';
import { ensureRoutes } from './dev-up';
import { processLiveness, type ProcessLiveness } from './proc-identity';
import { hostRoutes, missingRoutes, type NodeRouting } from './routes';
import { readState } from './state';
import { nodeHosts } from './topology';

export interface StatusReport {
  dir: string;
  apiserver: string;
  registryName: string;
  processes: { name: string; pid: number; liveness: ProcessLiveness }[];
  nodes: { name: string; netns: boolean; ip: string; podCidr: string; hostRoute: boolean }[];
  routesAdded: number;
  apiError?: string;
}

export function formatStatus(r: StatusReport): string {
  const lines = [`dev cluster in ${r.dir}`, `apiserver  ${r.apiserver}`, `registry   ${r.registryName}  (push images as ${r.registryName}/NAME:TAG)`, '', 'PROCESS              PID      STATE'];
  for (const p of r.processes) lines.push(`${p.name.padEnd(20)} ${String(p.pid).padEnd(8)} ${p.liveness}`);
  lines.push('', 'NODE           NETNS  ADDRESS        PODCIDR          HOST-ROUTE');
  for (const n of r.nodes) {
    lines.push(`${n.name.padEnd(14)} ${(n.netns ? 'yes' : 'NO').padEnd(6)} ${n.ip.padEnd(14)} ${(n.podCidr || '<none>').padEnd(16)} ${n.podCidr ? (n.hostRoute ? 'yes' : 'NO') : '-'}`);
  }
  if (r.routesAdded > 0) lines.push('', `${r.routesAdded} missing route(s) re-added`);
  if (r.apiError) lines.push('', `apiserver not answering: ${r.apiError}`);
  return lines.join('\n');
}

/** What runs and how the nodes are wired; re-adds routes lost since `up` (a node netns re-made, say). */
export async function devStatus(dir: string): Promise<StatusReport | undefined> {
  const state = readState(dir);
  if (state === undefined) return undefined;
  const s = state.settings;
  const e = endpoints(s);
  const order = [...controlPlaneSpecs(s, []).map((c) => c.name), ...nodeHosts(s).map((n) => `agent-${n.index}`)];
  const processes = order.map((name) => {
    const rec = state.processes[name];
    return { name, pid: rec?.pid ?? 0, liveness: rec ? processLiveness(rec) : ('gone' as const) };
  });
  const podCidrs = new Map<string, string>();
  let apiError: string | undefined;
  const client = new ApiClient(e.apiserver, { timeoutMs: 3000 });
  try {
    for (const n of (await client.list('nodes')).items) podCidrs.set(n.metadata?.name ?? '', n.spec?.podCidr ?? '');
  } catch (err) {
    apiError = errorMessage(err);
  } finally {
    client.close();
  }
  const hosts = nodeHosts(s);
  // Re-adding routes lost since `up` (a node netns re-made by hand, say) needs root; reading does not.
  const routesAdded = apiError === undefined && process.getuid?.() === 0 ? await ensureRoutes(s, podCidrs) : 0;
  const routing: NodeRouting[] = hosts.map((node) => ({ node, podCidr: podCidrs.get(node.name) ?? '' }));
  const missing = new Set(missingRoutes(hostRoutes(routing, s.bridge), await readRoutes().catch(() => new Map())).map((r) => r.dst));
  const nodes = routing.map((r) => ({ name: r.node.name, netns: netnsExists(r.node), ip: r.node.ip, podCidr: r.podCidr, hostRoute: r.podCidr !== '' && !missing.has(r.podCidr) }));
  return { dir: s.dir, apiserver: e.apiserver, registryName: e.registryName, processes, nodes, routesAdded, apiError };
}
