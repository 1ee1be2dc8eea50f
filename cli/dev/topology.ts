import { BadRequestError } from '../../lib/errors';
import { cidrSize, formatIpv4, parseCidr } from './ipv4';

/** What `berth dev up` was asked for; stored in the state file so `down`/`status` use the same. */
export interface DevSettings {
  /** Absolute data directory. */
  dir: string;
  nodes: number;
  runtime: 'crun' | 'runc';
  bridge: string;
  /** Node hosts are `<nodePrefix>-<i>` (netns and Node name), so a test cluster can run beside a dev one. */
  nodePrefix: string;
  /** Host address on the bridge with its prefix, e.g. "10.77.0.1/24". */
  bridgeCidr: string;
  clusterCidr: string;
  ports: DevPorts;
}

export interface DevPorts {
  etcdClient: number;
  etcdPeer: number;
  nats: number;
  registry: number;
  apiserver: number;
  apiserverMetrics: number;
  agent: number;
}

export const DEFAULT_PORTS: DevPorts = {
  etcdClient: 23790,
  etcdPeer: 23800,
  nats: 4222,
  // 5000 so that `localhost:5000/NAME` is the one image name on the host and (through the mirror) on nodes.
  registry: 5000,
  apiserver: 6443,
  apiserverMetrics: 6444,
  agent: 10250,
};

/** The default ports moved by `offset`, to run a second cluster (a test) beside the dev one. */
export function offsetPorts(offset: number): DevPorts {
  if (!Number.isInteger(offset) || offset < 0 || offset > 50_000) throw new BadRequestError(`port offset must be an integer 0-50000, got ${offset}`);
  const ports = { ...DEFAULT_PORTS };
  for (const k of Object.keys(ports) as (keyof DevPorts)[]) ports[k] += offset;
  return ports;
}

/** One node host: a network namespace with a veth to the bridge, running one agent. */
export interface NodeHost {
  index: number;
  name: string;
  netns: string;
  netnsPath: string;
  /** Host end of the veth (on the bridge); the node end is renamed eth0 inside the netns. */
  hostVeth: string;
  ip: string;
  prefix: number;
  root: string;
  agentListen: string;
  /** The node's CNI bridge for its pods (inside its netns; named apart from the host bridge). */
  cniBridge: string;
  /** The cgroup its pods run under: per node, so down can remove exactly its own. */
  cgroupParent: string;
}

// Node i gets the bridge network's address 10 + i, leaving .2-.10 free for the host's own use.
const NODE_ADDRESS_OFFSET = 10;

export function hostAddress(settings: Pick<DevSettings, 'bridgeCidr'>): string {
  return settings.bridgeCidr.split('/')[0] ?? '';
}

/** Addresses and names of node `index` (1-based); refuses indices the bridge network cannot hold. */
export function nodeHost(settings: DevSettings, index: number): NodeHost {
  const { ip: hostIp, net } = parseCidr(settings.bridgeCidr);
  const ip = net.base + NODE_ADDRESS_OFFSET + index;
  if (index < 1 || ip >= net.base + cidrSize(net) - 1 || ip === hostIp) {
    throw new BadRequestError(`node ${index} does not fit in bridge network ${settings.bridgeCidr}`);
  }
  const name = `${settings.nodePrefix}-${index}`;
  const ipText = formatIpv4(ip);
  return {
    index,
    name,
    netns: name,
    netnsPath: `/var/run/netns/${name}`,
    hostVeth: `${settings.bridge}v${index}`,
    ip: ipText,
    prefix: net.prefix,
    root: `${settings.dir}/nodes/${index}`,
    agentListen: `${ipText}:${settings.ports.agent}`,
    cniBridge: `bcni${index}`,
    cgroupParent: name,
  };
}

export function nodeHosts(settings: DevSettings): NodeHost[] {
  return Array.from({ length: settings.nodes }, (_, i) => nodeHost(settings, i + 1));
}

/** Flags → settings, validated (the bridge, network and node count must agree). */
export function makeSettings(opts: { dir: string; nodes: number; runtime: string; bridge?: string; nodePrefix?: string; bridgeCidr?: string; clusterCidr?: string; ports?: Partial<DevPorts> }): DevSettings {
  if (!Number.isInteger(opts.nodes) || opts.nodes < 1) throw new BadRequestError(`--nodes must be a positive integer, got ${opts.nodes}`);
  if (opts.runtime !== 'crun' && opts.runtime !== 'runc') throw new BadRequestError(`--runtime must be crun or runc, got "${opts.runtime}"`);
  const bridge = opts.bridge ?? 'berth0';
  // Its veths are named <bridge>v<i>: interface names end at 15 characters.
  if (!/^[a-zA-Z0-9_-]{1,12}$/.test(bridge)) throw new BadRequestError(`bridge name "${bridge}" must be 1-12 letters, digits, - or _`);
  const nodePrefix = opts.nodePrefix ?? 'berth-node';
  if (!/^[a-z0-9]([a-z0-9-]{0,40}[a-z0-9])?$/.test(nodePrefix)) throw new BadRequestError(`node prefix "${nodePrefix}" must be a DNS label`);
  const settings: DevSettings = {
    dir: opts.dir,
    nodes: opts.nodes,
    runtime: opts.runtime,
    bridge,
    nodePrefix,
    bridgeCidr: opts.bridgeCidr ?? '10.77.0.1/24',
    clusterCidr: opts.clusterCidr ?? '10.244.0.0/16',
    ports: { ...DEFAULT_PORTS, ...opts.ports },
  };
  parseCidr(settings.clusterCidr);
  nodeHost(settings, settings.nodes);
  return settings;
}
