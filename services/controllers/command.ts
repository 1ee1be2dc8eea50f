import type { Command } from 'commander';
import { CONTROLLER_MEMORY, applyMemoryFlags, leaderElectedOptions, runLeaderElected, withLeaderFlags, withMemoryFlags, type LeaderFlags, type MemoryFlags } from '../../lib/controller';
import { parseReference } from '../../lib/image/reference';
import { RegistryClient } from '../../lib/image/registry-client';
import { loadRegistryConfig } from '../../lib/image/registry-config';
import { createLogger } from '../../lib/log';
import { ControllerManager } from './manager';

interface Flags extends MemoryFlags, LeaderFlags {
  clusterCidr: string;
  nodeMonitorGracePeriod: number;
  podEvictionTimeout: number;
  registryConfig?: string;
  workers: number;
}

/** Registers this component's subcommands on the berth program. */
export function register(program: Command): void {
  withMemoryFlags(
    withLeaderFlags(program.command('controller-manager').description('run the Deployment, ReplicaSet, node lifecycle, IPAM and garbage-collection controllers (leader-elected)'))
      .requiredOption('--cluster-cidr <cidr>', 'pod network; each node gets a /24 of it')
      .option('--node-monitor-grace-period <s>', 'lease silence before a node is Ready=Unknown (Kubernetes: 40)', Number, 40)
      .option('--pod-eviction-timeout <s>', 'not-ready time before a node’s pods are evicted (Kubernetes: 300)', Number, 300)
      .option('--registry-config <file>', 'registry settings (mirrors, plain HTTP, credentials) for resolving tags')
      .option('--workers <n>', 'workers per controller (ReplicaSet and Deployment syncs in flight; pod creates overlap across them)', Number, 16),
    CONTROLLER_MEMORY,
  )
    .action(async (o: Flags) => {
      applyMemoryFlags(o);
      const log = createLogger({ component: 'controller-manager', id: o.id });
      const registry = new RegistryClient({ config: loadRegistryConfig(o.registryConfig), logger: log });
      const resolve = async (image: string): Promise<string> => {
        const ref = parseReference(image);
        if (ref.digest) return `${ref.name}@${ref.digest}`;
        return `${ref.name}@${(await registry.resolve(ref)).digest}`;
      };
      await runLeaderElected(
        leaderElectedOptions(o, 'berth-controller-manager', log),
        (client, writer, nats) =>
          new ControllerManager({ client, writer, nats, log, clusterCidr: o.clusterCidr, resolve, gracePeriodMs: o.nodeMonitorGracePeriod * 1000, evictionTimeoutMs: o.podEvictionTimeout * 1000, workers: o.workers }),
      );
    });
}
