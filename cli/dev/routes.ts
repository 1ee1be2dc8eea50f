import type { NodeHost } from './topology';

/** A host-gw route: pods of `dst` (a node's podCIDR) are reached via that node's address. */
export interface Route {
  dst: string;
  via: string;
  dev: string;
}

export interface NodeRouting {
  node: NodeHost;
  /** Empty until the controller-manager's IPAM has assigned one. */
  podCidr: string;
}

/** Routes the host needs: every node's podCIDR via that node, over the bridge. */
export function hostRoutes(nodes: NodeRouting[], bridge: string): Route[] {
  return nodes.filter((n) => n.podCidr !== '').map((n) => ({ dst: n.podCidr, via: n.node.ip, dev: bridge }));
}

/** Routes node `self` needs: every other node's podCIDR via that node, over its eth0. */
export function nodeRoutes(nodes: NodeRouting[], self: NodeHost): Route[] {
  return nodes
    .filter((n) => n.podCidr !== '' && n.node.index !== self.index)
    .map((n) => ({ dst: n.podCidr, via: n.node.ip, dev: 'eth0' }));
}

/** Parses `ip -4 route show` output into dst → route (only gateway routes matter here). */
export function parseRoutes(output: string): Map<string, Route> {
  const routes = new Map<string, Route>();
  for (const line of output.split('\n')) {
    const m = /^(\S+)\s+via\s+(\S+)\s+dev\s+(\S+)/.exec(line.trim());
    if (m) routes.set(m[1] ?? '', { dst: m[1] ?? '', via: m[2] ?? '', dev: m[3] ?? '' });
  }
  return routes;
}

/** The desired routes that are missing or point elsewhere (to `ip route replace`). */
export function missingRoutes(desired: Route[], existing: Map<string, Route>): Route[] {
  return desired.filter((r) => {
    const have = existing.get(r.dst);
    return have === undefined || have.via !== r.via || have.dev !== r.dev;
  });
}
