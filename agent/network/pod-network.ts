import * as fs from 'node:fs';
import * as path from 'node:path';
import { createLogger, type Logger } from '../../lib/log';
import { createNetns, deleteNetns } from '../syscall/netns';
import { netnsName, pluginNetconf, podAddress, podNetworkChain, type CniResult, type PluginConf, type PortMapping } from './cni-config';
import { CniError, invokePlugin } from './cni-plugin';

export interface PodNetworkOptions {
  /** Holds per-pod records (the ADD results DEL needs) and host-local's IPAM data. */
  stateDir: string;
  pluginDir?: string;
  logger?: Logger;
}

export interface SetupOptions {
  podCidr: string;
  bridgeName: string;
  /** Set when the agent manages a node living in its own network namespace. */
  nodeNetnsPath?: string;
  portMappings: PortMapping[];
}

export interface PodNetworkInfo {
  ip: string;
  gateway: string;
  netnsPath: string;
}

/** What setup stored for teardown: the exact chain that ran and the result it returned. */
interface PodRecord extends PodNetworkInfo {
  podUid: string;
  netns: string;
  chain: PluginConf[];
  result: CniResult;
  nodeNetnsPath?: string;
}

const NETNS_DIR = '/var/run/netns';

/**
 * One network namespace per pod (made in-process, loopback up), wired by the standard CNI plugins: bridge +
 * host-local over the node's podCIDR, then portmap for hostPorts. Both calls are idempotent:
 * setup of a pod already set up returns its stored address; teardown of an unknown pod is a
 * no-op. The records on disk let a restarted agent tear down what an earlier one set up.
 */
export class PodNetwork {
  private readonly log: Logger;
  private readonly pluginDir: string;
  private readonly podsDir: string;
  private readonly ipamDir: string;

  constructor(opts: PodNetworkOptions) {
    this.log = (opts.logger ?? createLogger()).child({ component: 'pod-network' });
    this.pluginDir = opts.pluginDir ?? '/usr/lib/cni';
    this.podsDir = path.join(opts.stateDir, 'pods');
    this.ipamDir = path.join(opts.stateDir, 'ipam');
    fs.mkdirSync(this.podsDir, { recursive: true });
  }

  private recordPath(podUid: string): string {
    return path.join(this.podsDir, `${netnsName(podUid)}.json`);
  }

  private readRecord(podUid: string): PodRecord | undefined {
    try {
      return JSON.parse(fs.readFileSync(this.recordPath(podUid), 'utf8')) as PodRecord;
    } catch {
      return undefined;
    }
  }

  /** Where the pod's namespace is (setup creates it before anything else, synchronously). */
  netnsPath(podUid: string): string {
    return path.join(NETNS_DIR, netnsName(podUid));
  }

  /** Pod uids with a network record on disk (for leftover cleanup after a restart). */
  list(): string[] {
    return fs
      .readdirSync(this.podsDir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => (JSON.parse(fs.readFileSync(path.join(this.podsDir, f), 'utf8')) as PodRecord).podUid);
  }

  async setup(podUid: string, opts: SetupOptions): Promise<PodNetworkInfo> {
    const existing = this.readRecord(podUid);
    if (existing && fs.existsSync(existing.netnsPath)) return { ip: existing.ip, gateway: existing.gateway, netnsPath: existing.netnsPath };

    const netns = netnsName(podUid);
    const netnsPath = this.netnsPath(podUid);
    const log = this.log.child({ podUid, netns });
    // The namespace with its loopback up, in-process: what `ip netns add` and CNI's loopback
    // plugin did in two processes per pod.
    if (!fs.existsSync(netnsPath)) createNetns(netnsPath);
    const chain = podNetworkChain({ podCidr: opts.podCidr, bridgeName: opts.bridgeName, ipamDataDir: this.ipamDir, portMappings: opts.portMappings });
    const call = { pluginDir: this.pluginDir, containerId: podUid, netnsPath, nodeNetnsPath: opts.nodeNetnsPath };
    let result: CniResult | undefined;
    try {
      for (const conf of chain) result = (await invokePlugin({ ...call, command: 'ADD', ifName: 'eth0', netconf: pluginNetconf(conf, result) })) as CniResult;
      const addr = result ? podAddress(result) : undefined;
      if (!addr || !result) throw new CniError(`no IP in the CNI result for pod ${podUid}`);
      const record: PodRecord = { podUid, netns, netnsPath, chain, result, ...addr, ...(opts.nodeNetnsPath ? { nodeNetnsPath: opts.nodeNetnsPath } : {}) };
      const file = this.recordPath(podUid);
      fs.writeFileSync(`${file}.tmp`, JSON.stringify(record));
      fs.renameSync(`${file}.tmp`, file);
      log.debug({ ip: addr.ip }, 'pod network up');
      return { ...addr, netnsPath };
    } catch (err) {
      log.warn({ err }, 'pod network setup failed: undoing');
      await this.del({ podUid, netns, netnsPath, chain, result: result ?? {}, ip: '', gateway: '', nodeNetnsPath: opts.nodeNetnsPath }).catch(() => undefined);
      throw err;
    }
  }

  async teardown(podUid: string): Promise<void> {
    const record = this.readRecord(podUid);
    if (!record) {
      // No record: at most a namespace from a setup that died half-way.
      const netnsPath = path.join(NETNS_DIR, netnsName(podUid));
      deleteNetns(netnsPath);
      return;
    }
    await this.del(record);
    fs.rmSync(this.recordPath(podUid), { force: true });
    this.log.debug({ podUid, ip: record.ip }, 'pod network down');
  }

  /** DEL through the chain in reverse (each with the stored ADD result), then drop the netns. */
  private async del(r: PodRecord): Promise<void> {
    const call = { pluginDir: this.pluginDir, containerId: r.podUid, netnsPath: r.netnsPath, nodeNetnsPath: r.nodeNetnsPath };
    const hasResult = r.result.ips !== undefined;
    for (const conf of [...r.chain].reverse()) {
      await invokePlugin({ ...call, command: 'DEL', ifName: 'eth0', netconf: pluginNetconf(conf, hasResult ? r.result : undefined) });
    }
    deleteNetns(r.netnsPath);
  }
}
