import * as os from 'node:os';
import * as path from 'node:path';
import type { ApiClient } from '../../lib/api';
import { realClock } from '../../lib/controller';
import { NotFoundError } from '../../lib/errors';
import { loadRegistryConfig } from '../../lib/image/registry-config';
import type { Logger } from '../../lib/log';
import type { NodeSetup } from '../agent-process';
import { goArch, hostResources, nodeResources, systemInfo } from '../node/host-info';
import { FilePodMemoryStore } from '../pod/pod-memory-store';
import { ProbeManager } from '../probe/probe-manager';
import { HostProbeRunner } from '../probe/probe-runner';
import type { RuntimeName } from '../runtime/runtime-select';
import { HostAgentBackend } from '../server/agent-backend';
import { agentEndpoint } from '../server/agent-endpoint';
import { startAgentServer } from '../server/agent-server';
import { openRealHost } from './open-real-host';

export const MAX_PODS = 110;

export interface RealNodeOptions {
  client: ApiClient;
  nodeName: string;
  nodeIp: string;
  root: string;
  runtime: RuntimeName;
  /** The agent gRPC server's --listen address. */
  listen: string;
  labels: Record<string, string>;
  registryConfigFile?: string;
  /** CNI bridge name (default berth0); tests use their own. */
  bridgeName?: string;
  /** Parent cgroup of pod containers (default berth). */
  cgroupParent?: string;
  /** Pod sandboxes kept ready ahead of pods. */
  sandboxPool?: number;
  log: Logger;
}

export interface RealNode {
  setup: NodeSetup;
  close(): Promise<void>;
}

/**
 * This host as one node of the cluster: the real pod host (runtime chosen and logged), its
 * agent gRPC server for logs and exec (the Node advertises where it listens), file-backed pod
 * memory under root/pods and real probes. The podCIDR reaches the host once the control
 * plane assigns it (AgentProcess waits for it before pods sync).
 */
export async function openRealNode(o: RealNodeOptions): Promise<RealNode> {
  let podCidr: string | undefined;
  const real = openRealHost({ root: o.root, runtime: o.runtime, podCidr: () => podCidr, registryConfig: loadRegistryConfig(o.registryConfigFile), bridgeName: o.bridgeName, cgroupParent: o.cgroupParent, sandboxPool: o.sandboxPool, maxPods: MAX_PODS, log: o.log });
  await real.host.start();
  const backend = new HostAgentBackend({
    host: real.host,
    findPod: (ns, name) =>
      o.client.get('pods', ns, name).then(
        (p) => (p.spec?.nodeName === o.nodeName ? p : undefined),
        (err: unknown) => {
          if (err instanceof NotFoundError) return undefined;
          throw err;
        },
      ),
  });
  const server = await startAgentServer(o.listen, backend, o.log);
  const refresh = setInterval(() => void real.host.refreshImages().catch(() => undefined), 30_000);
  refresh.unref();
  const setup: NodeSetup = {
    identity: {
      name: o.nodeName,
      labels: { 'kubernetes.io/hostname': o.nodeName, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': goArch(os.arch()), ...o.labels },
      addresses: [
        { type: 'InternalIP', address: o.nodeIp },
        { type: 'Hostname', address: o.nodeName },
      ],
      ...nodeResources(hostResources(), MAX_PODS),
      agentEndpoint: agentEndpoint(server.address, o.nodeIp),
      nodeInfo: systemInfo(`${real.choice.name}://${/\d+\.\d+(\.\d+)?/.exec(await real.runtime.version())?.[0] ?? 'unknown'}`),
    },
    hostIp: o.nodeIp,
    host: real.host,
    memory: new FilePodMemoryStore(path.join(o.root, 'pods')),
    probes: (enqueue) => new ProbeManager(new HostProbeRunner(real.host), realClock, enqueue, o.log.child({ component: 'probes' })),
    images: () => real.host.listImages(),
    waitForPodCidr: true,
    onPodCidr: (cidr) => (podCidr = cidr),
  };
  return {
    setup,
    close: async () => {
      clearInterval(refresh);
      await server.stop();
      await real.host.close();
      await real.runtime.close();
    },
  };
}
