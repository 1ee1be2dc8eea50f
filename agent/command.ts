import type { Command } from 'commander';
import * as os from 'node:os';
import { connect } from 'nats';
import { ApiClient } from '../lib/api';
import { createLogger } from '../lib/log';
import { AgentProcess, type NodeSetup } from './agent-process';
import { defaultNodeIp } from './node/host-info';
import { DEFAULT_BACKOFF } from './pod/backoff';
import { hollowNodes } from './hollow/hollow-nodes';
import { openRealNode, type RealNode } from './host/real-node';
import { registerImageCommands } from './image/image-command';
import type { RuntimeName } from './runtime/runtime-select';

interface AgentFlags {
  apiserver: string;
  nats?: string;
  nodeName?: string;
  root: string;
  runtime: string;
  listen: string;
  nodeIp?: string;
  labels: string;
  registryConfig?: string;
  bridgeName: string;
  cgroupParent: string;
  resyncSeconds: string;
  drainDelaySeconds: string;
  heartbeatSeconds: string;
  leaseDurationSeconds: string;
  backoffInitialSeconds: string;
  workers: string;
  sandboxPool: string;
  simulateNodes?: string;
  simulatePrefix: string;
}

/** "a=b,c=d" → { a: 'b', c: 'd' }. */
export function parseLabels(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new Error(`bad label "${part}": want key=value`);
    out[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return out;
}

async function runAgent(f: AgentFlags): Promise<void> {
  const log = createLogger({ component: 'agent' });
  const client = new ApiClient(f.apiserver);
  const nats = f.nats ? await connect({ servers: f.nats, maxReconnectAttempts: -1 }).catch((err: unknown) => {
    log.warn({ err: String(err) }, 'NATS unreachable; relying on watch and resync');
    return undefined;
  }) : undefined;
  const nodeIp = f.nodeIp ?? defaultNodeIp();
  const labels = parseLabels(f.labels);
  let nodes: NodeSetup[];
  let real: RealNode | undefined;
  if (f.simulateNodes) {
    nodes = hollowNodes({ count: Number(f.simulateNodes), prefix: f.simulatePrefix, nodeIp, labels });
  } else {
    if (f.runtime !== 'crun' && f.runtime !== 'runc') throw new Error(`--runtime ${f.runtime}: want crun or runc`);
    const nodeName = f.nodeName ?? os.hostname();
    real = await openRealNode({ client, nodeName, nodeIp, root: f.root, runtime: f.runtime as RuntimeName, listen: f.listen, labels, registryConfigFile: f.registryConfig, bridgeName: f.bridgeName, cgroupParent: f.cgroupParent, sandboxPool: Number(f.sandboxPool), log });
    nodes = [real.setup];
  }
  const agent = new AgentProcess({
    client,
    nats,
    nodes,
    resyncMs: Number(f.resyncSeconds) * 1000,
    workers: Number(f.workers),
    backoff: { ...DEFAULT_BACKOFF, initialMs: Number(f.backoffInitialSeconds) * 1000 },
    drainDelayMs: Number(f.drainDelaySeconds) * 1000,
    leaseDurationSeconds: Number(f.leaseDurationSeconds),
    renewIntervalMs: Number(f.heartbeatSeconds) * 1000,
    log,
  });
  await client.waitForReady(30_000);
  await agent.start();
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  await agent.stop();
  await real?.close();
  await nats?.close();
  client.close();
}

/** Registers `berth agent`. */
export function register(program: Command): void {
  program
    .command('agent')
    .description('run the node agent: register the node, heartbeat, run the pods bound to it')
    .requiredOption('--apiserver <addr>', 'apiserver host:port')
    .option('--nats <url>', 'NATS URL for wake-up notices')
    .option('--node-name <name>', 'this node\'s name (default: the hostname)')
    .option('--root <dir>', 'state directory', '/var/lib/berth')
    .option('--runtime <name>', 'crun or runc', 'crun')
    .option('--listen <addr>', 'agent gRPC (logs, exec) listen address', '0.0.0.0:10250')
    .option('--node-ip <ip>', 'InternalIP to report')
    .option('--labels <k=v,...>', 'extra node labels', '')
    .option('--registry-config <file>', 'per-registry settings (mirrors, plain HTTP, credentials)')
    .option('--bridge-name <name>', 'the CNI bridge pods attach to', 'berth0')
    .option('--cgroup-parent <name>', 'the cgroup under which pod containers run', 'berth')
    .option('--resync-seconds <n>', 'each pod is synced again this long after its last sync, as the kubelet does every minute', '60')
    .option('--drain-delay-seconds <n>', 'wait between Ready=False and SIGTERM', '2')
    .option('--heartbeat-seconds <n>', 'lease renew interval (jittered ±20%)', '10')
    .option('--lease-duration-seconds <n>', 'node lease duration', '40')
    .option('--backoff-initial-seconds <n>', 'first restart/pull back-off (doubles to 5 min)', '10')
    .option('--workers <n>', 'pod sync workers (a sync waits for its status write: a process of hundreds of hollow nodes wants hundreds)', '4')
    .option('--sandbox-pool <n>', 'pod sandboxes (netns + CNI network with an IP) kept ready ahead of pods at least, refilled when idle; after a burst of pod starts the pool grows to that burst (up to max pods) for 10 minutes; 0 = off', '8')
    .option('--simulate-nodes <n>', 'run N hollow nodes (no containers) in this process')
    .option('--simulate-prefix <prefix>', 'hollow node name prefix', 'hollow-')
    .action((flags: AgentFlags) => runAgent(flags));
  registerImageCommands(program);
}
