import * as path from 'node:path';
import { stringify } from 'yaml';
import { hostAddress, nodeHosts, type DevSettings, type NodeHost } from './topology';
import type { LaunchSpec } from './launcher';

/** Where things live under DIR. */
export function devPaths(dir: string) {
  return {
    logs: path.join(dir, 'logs'),
    etcd: path.join(dir, 'etcd'),
    registry: path.join(dir, 'registry'),
    registryConfig: (which: string) => path.join(dir, `registry-${which}.yaml`),
    registries: path.join(dir, 'registries.yaml'),
    clientConfig: path.join(dir, 'config'),
    images: path.join(dir, 'images'),
  };
}

export interface Endpoints {
  etcd: string;
  nats: string;
  apiserver: string;
  /** The image name prefix that works on the host and every node. */
  registryName: string;
  registryMirror: string;
}

export function endpoints(s: DevSettings): Endpoints {
  const bridgeIp = hostAddress(s);
  return {
    etcd: `http://127.0.0.1:${s.ports.etcdClient}`,
    nats: `nats://${bridgeIp}:${s.ports.nats}`,
    apiserver: `${bridgeIp}:${s.ports.apiserver}`,
    registryName: `localhost:${s.ports.registry}`,
    registryMirror: `http://${bridgeIp}:${s.ports.registry}`,
  };
}

/** How `dev up` knows a part is ready. */
export type Readiness = { kind: 'http'; url: string } | { kind: 'tcp'; host: string; port: number } | { kind: 'alive' };

export interface ComponentSpec extends LaunchSpec {
  readiness: Readiness;
  /** Files to write before starting (configs). */
  files?: { path: string; content: string }[];
}

/**
 * The control-plane processes in start order. Only the host runs them; the apiserver, NATS
 * and a registry listen on the bridge address because a node's netns has its own loopback.
 */
export function controlPlaneSpecs(s: DevSettings, berth: string[]): ComponentSpec[] {
  const p = devPaths(s.dir);
  const e = endpoints(s);
  const bridgeIp = hostAddress(s);
  const log = (name: string) => path.join(p.logs, `${name}.log`);
  const peer = `http://127.0.0.1:${s.ports.etcdPeer}`;
  const registry = (which: string, host: string): ComponentSpec => ({
    name: `registry-${which}`,
    argv: ['docker-registry', 'serve', p.registryConfig(which)],
    logFile: log(`registry-${which}`),
    readiness: { kind: 'http', url: `http://${host}:${s.ports.registry}/v2/` },
    files: [{ path: p.registryConfig(which), content: registryConfig(p.registry, `${host}:${s.ports.registry}`) }],
  });
  return [
    {
      name: 'etcd',
      argv: [
        'etcd', '--name', 'berth-dev', '--data-dir', p.etcd,
        '--listen-client-urls', e.etcd, '--advertise-client-urls', e.etcd,
        '--listen-peer-urls', peer, '--initial-advertise-peer-urls', peer, '--initial-cluster', `berth-dev=${peer}`,
        '--auto-compaction-mode', 'revision', '--auto-compaction-retention', '10000',
        '--experimental-watch-progress-notify-interval', '1s',
      ],
      logFile: log('etcd'),
      readiness: { kind: 'http', url: `${e.etcd}/health` },
    },
    {
      name: 'nats',
      argv: ['nats-server', '-a', bridgeIp, '-p', String(s.ports.nats)],
      logFile: log('nats'),
      readiness: { kind: 'tcp', host: bridgeIp, port: s.ports.nats },
    },
    // docker-registry listens on one address: one process for the host's name (localhost:5000),
    // one on the bridge for the nodes' mirror, both on the same storage.
    registry('local', '127.0.0.1'),
    registry('bridge', bridgeIp),
    {
      name: 'apiserver',
      argv: [...berth, 'apiserver', '--etcd', e.etcd, '--nats', e.nats, '--listen', e.apiserver, '--metrics-listen', `127.0.0.1:${s.ports.apiserverMetrics}`],
      logFile: log('apiserver'),
      readiness: { kind: 'tcp', host: bridgeIp, port: s.ports.apiserver },
    },
    {
      name: 'scheduler',
      argv: [...berth, 'scheduler', '--apiserver', e.apiserver, '--nats', e.nats, '--id', 'dev'],
      logFile: log('scheduler'),
      readiness: { kind: 'alive' },
    },
    {
      name: 'controller-manager',
      argv: [
        ...berth, 'controller-manager', '--apiserver', e.apiserver, '--nats', e.nats, '--cluster-cidr', s.clusterCidr,
        // Faster than Kubernetes' defaults so that node loss shows within a minute on a laptop.
        '--node-monitor-grace-period', '20', '--pod-eviction-timeout', '30',
        '--registry-config', p.registries, '--id', 'dev',
      ],
      logFile: log('controller-manager'),
      readiness: { kind: 'alive' },
      files: [{ path: p.registries, content: registriesConfig(e) }],
    },
  ];
}

/** The agent of one node host, entered into its netns with nsenter (see cluster-facts.md). */
export function agentSpec(s: DevSettings, node: NodeHost, berth: string[]): ComponentSpec {
  const p = devPaths(s.dir);
  const e = endpoints(s);
  return {
    name: `agent-${node.index}`,
    wrapper: ['nsenter', `--net=${node.netnsPath}`, '--'],
    argv: [
      ...berth, 'agent', '--apiserver', e.apiserver, '--nats', e.nats, '--node-name', node.name, '--root', node.root,
      '--runtime', s.runtime, '--listen', node.agentListen, '--node-ip', node.ip, '--registry-config', p.registries,
      '--labels', `berth.dev/dev-node=${node.index}`, '--bridge-name', node.cniBridge, '--cgroup-parent', node.cgroupParent,
    ],
    logFile: path.join(p.logs, `agent-${node.index}.log`),
    readiness: { kind: 'alive' },
    files: [{ path: p.registries, content: registriesConfig(e) }],
  };
}

export function agentSpecs(s: DevSettings, berth: string[]): ComponentSpec[] {
  return nodeHosts(s).map((n) => agentSpec(s, n, berth));
}

export function registryConfig(storage: string, addr: string): string {
  return stringify({
    version: 0.1,
    log: { level: 'info' },
    storage: { filesystem: { rootdirectory: storage }, delete: { enabled: true } },
    http: { addr },
  });
}

/** lib/image's registry settings: the name users push to, reached by nodes through the bridge. */
export function registriesConfig(e: Endpoints): string {
  return stringify({ registries: { [e.registryName]: { insecure: true, mirrors: [e.registryMirror] } } });
}
