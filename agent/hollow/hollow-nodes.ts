import { realClock, type Clock } from '../../lib/controller';
import type { NodeSetup } from '../agent-process';
import { nodeResources } from '../node/host-info';
import { InMemoryPodMemoryStore } from '../pod/pod-memory-store';
import { SimulatedPodHost, SimulatedProbes } from './simulated-pod-host';

export interface HollowOptions {
  count: number;
  prefix: string;
  /** Address the hollow nodes report (InternalIP, host IP of their pods). */
  nodeIp: string;
  labels: Record<string, string>;
  /** Resolves a tag to a digest reference against the registry; absent: report the tag. */
  resolve?: (image: string) => Promise<string>;
  clock?: Clock;
}

/** N hollow node setups (kubemark-style): 4 cpu / 16 GiB / 110 pods each, no containers. */
export function hollowNodes(o: HollowOptions): NodeSetup[] {
  const clock = o.clock ?? realClock;
  const resources = nodeResources({ cpus: 4, memoryBytes: 16 * 1024 ** 3 }, 110);
  return Array.from({ length: o.count }, (_, i) => {
    const name = `${o.prefix}${i}`;
    const host = new SimulatedPodHost(name, () => `10.${200 + Math.floor(i / 256)}.${i % 256}.0/24`, clock, o.resolve);
    const setup: NodeSetup = {
      identity: {
        name,
        labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', 'berth.dev/hollow': 'true', ...o.labels },
        addresses: [
          { type: 'InternalIP', address: o.nodeIp },
          { type: 'Hostname', address: name },
        ],
        ...resources,
        agentEndpoint: '',
        nodeInfo: { machineId: name, kernelVersion: 'hollow', osImage: 'hollow', containerRuntimeVersion: 'simulated://1', agentVersion: '', operatingSystem: 'linux', architecture: 'amd64' },
      },
      hostIp: o.nodeIp,
      host,
      memory: new InMemoryPodMemoryStore(),
      probes: () => new SimulatedProbes(),
      images: () => host.listImages(),
      waitForPodCidr: false,
    };
    return setup;
  });
}
