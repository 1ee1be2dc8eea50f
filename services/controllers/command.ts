import type { Command } from 'commander';
import {
  CONTROLLER_HEAP_GROWING_PERCENT,
  CONTROLLER_YOUNG_GENERATION_MB,
  HEAP_GROWING_FLAG,
  HEAP_GROWING_HELP,
  YOUNG_GENERATION_FLAG,
  YOUNG_GENERATION_HELP,
  capYoungGeneration,
  runLeaderElected,
  setHeapGrowingPercent,
} from '../../lib/controller';
import { parseReference } from '../../lib/image/reference';
import { RegistryClient } from '../../lib/image/registry-client';
import { loadRegistryConfig } from '../../lib/image/registry-config';
import { createLogger } from '../../lib/log';
import { ControllerManager } from './manager';

interface Flags {
  apiserver: string;
  nats?: string;
  clusterCidr: string;
  nodeMonitorGracePeriod: number;
  podEvictionTimeout: number;
  registryConfig?: string;
  id?: string;
  leaseDuration: number;
  renewDeadline: number;
  retryPeriod: number;
  workers: number;
  heapGrowingPercent: number;
  youngGenerationMb: number;
}

/** Registers this component's subcommands on the berth program. */
export function register(program: Command): void {
  program
    .command('controller-manager')
    .description('run the Deployment, ReplicaSet, node lifecycle, IPAM and garbage-collection controllers (leader-elected)')
    .requiredOption('--apiserver <addr>', 'apiserver address host:port')
    .option('--nats <url>', 'NATS URL for change notices')
    .requiredOption('--cluster-cidr <cidr>', 'pod network; each node gets a /24 of it')
    .option('--node-monitor-grace-period <s>', 'lease silence before a node is Ready=Unknown (Kubernetes: 40)', Number, 40)
    .option('--pod-eviction-timeout <s>', 'not-ready time before a node’s pods are evicted (Kubernetes: 300)', Number, 300)
    .option('--registry-config <file>', 'registry settings (mirrors, plain HTTP, credentials) for resolving tags')
    .option('--id <identity>', 'leader-election identity (default host-pid)')
    .option('--lease-duration <s>', 'lease duration, seconds', Number, 15)
    .option('--renew-deadline <s>', 'renew deadline, seconds', Number, 10)
    .option('--retry-period <s>', 'retry period, seconds', Number, 2)
    .option('--workers <n>', 'workers per controller (ReplicaSet and Deployment syncs in flight; pod creates overlap across them)', Number, 16)
    .option(HEAP_GROWING_FLAG, HEAP_GROWING_HELP, Number, CONTROLLER_HEAP_GROWING_PERCENT)
    .option(YOUNG_GENERATION_FLAG, YOUNG_GENERATION_HELP, Number, CONTROLLER_YOUNG_GENERATION_MB)
    .action(async (o: Flags) => {
      setHeapGrowingPercent(o.heapGrowingPercent);
      capYoungGeneration(o.youngGenerationMb);
      const log = createLogger({ component: 'controller-manager', id: o.id });
      const registry = new RegistryClient({ config: loadRegistryConfig(o.registryConfig), logger: log });
      const resolve = async (image: string): Promise<string> => {
        const ref = parseReference(image);
        if (ref.digest) return `${ref.name}@${ref.digest}`;
        return `${ref.name}@${(await registry.resolve(ref)).digest}`;
      };
      await runLeaderElected(
        { apiserver: o.apiserver, nats: o.nats, identity: o.id, lease: 'berth-controller-manager', leaseDurationMs: o.leaseDuration * 1000, renewDeadlineMs: o.renewDeadline * 1000, retryPeriodMs: o.retryPeriod * 1000, log },
        (client, writer, nats) =>
          new ControllerManager({ client, writer, nats, log, clusterCidr: o.clusterCidr, resolve, gracePeriodMs: o.nodeMonitorGracePeriod * 1000, evictionTimeoutMs: o.podEvictionTimeout * 1000, workers: o.workers }),
      );
    });
}
