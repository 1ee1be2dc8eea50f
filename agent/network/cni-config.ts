// Pure builders and readers of CNI (spec 1.0.0) network configurations and results.

export const CNI_VERSION = '1.0.0';
export const NETWORK_NAME = 'berth';

export interface PortMapping {
  hostPort: number;
  containerPort: number;
  /** tcp (default) or udp, lower case as CNI's portmap expects. */
  protocol: 'tcp' | 'udp';
  hostIP?: string;
}

export interface NetworkParams {
  podCidr: string;
  bridgeName: string;
  /** host-local's allocation directory: one per node, so node netns don't share IPs. */
  ipamDataDir: string;
  portMappings: PortMapping[];
}

export type PluginConf = Record<string, unknown> & { type: string };

/**
 * The plugin chain of a pod's eth0, in ADD order: bridge with host-local IPAM over the node's
 * podCIDR (the bridge is the pods' gateway; no masquerade, cluster traffic keeps pod IPs),
 * then portmap when the pod asks for hostPorts.
 */
export function podNetworkChain(p: NetworkParams): PluginConf[] {
  const chain: PluginConf[] = [
    {
      type: 'bridge',
      bridge: p.bridgeName,
      isGateway: true,
      ipMasq: false,
      hairpinMode: true,
      ipam: { type: 'host-local', ranges: [[{ subnet: p.podCidr }]], routes: [{ dst: '0.0.0.0/0' }], dataDir: p.ipamDataDir },
    },
  ];
  if (p.portMappings.length > 0) {
    chain.push({ type: 'portmap', capabilities: { portMappings: true }, snat: true, runtimeConfig: { portMappings: p.portMappings } });
  }
  return chain;
}

/** The stdin netconf for one plugin of a chain (prevResult from the plugin before it). */
export function pluginNetconf(conf: PluginConf, prevResult?: unknown): Record<string, unknown> {
  return { cniVersion: CNI_VERSION, name: NETWORK_NAME, ...conf, ...(prevResult !== undefined ? { prevResult } : {}) };
}

export interface CniResult {
  cniVersion?: string;
  interfaces?: { name: string; mac?: string; sandbox?: string }[];
  ips?: { address: string; gateway?: string; interface?: number }[];
}

/** The pod's IPv4 address and gateway from an ADD result (first IP on the sandbox interface). */
export function podAddress(result: CniResult): { ip: string; gateway: string } | undefined {
  const ifaces = result.interfaces ?? [];
  const ip =
    (result.ips ?? []).find((x) => x.interface !== undefined && ifaces[x.interface]?.sandbox !== undefined && ifaces[x.interface]?.sandbox !== '') ??
    result.ips?.[0];
  if (!ip) return undefined;
  return { ip: ip.address.split('/')[0], gateway: ip.gateway ?? '' };
}

/** `berth-` + the first 12 hex digits of the pod uid: unique enough, short enough for ip(8). */
export function netnsName(podUid: string): string {
  const short = podUid.replace(/[^a-zA-Z0-9]/g, '').slice(0, 12).toLowerCase();
  return `berth-${short}`;
}
