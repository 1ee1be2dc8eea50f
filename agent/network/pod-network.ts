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
  /** CNI_CONTAINERID of the ADD (a claimed pool sandbox keeps its pool id); default podUid. */
  containerId?: string;
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
  /** Records of pool sandboxes: set up ahead, no pod yet (never listed as pods). */
  private readonly poolDir: string;
  private readonly ipamDir: string;

  constructor(opts: PodNetworkOptions) {
    this.log = (opts.logger ?? createLogger()).child({ component: 'pod-network' });
    this.pluginDir = opts.pluginDir ?? '/usr/lib/cni';
    this.podsDir = path.join(opts.stateDir, 'pods');
    this.poolDir = path.join(opts.stateDir, 'pool');
    this.ipamDir = path.join(opts.stateDir, 'ipam');
    fs.mkdirSync(this.podsDir, { recursive: true });
    fs.mkdirSync(this.poolDir, { recursive: true });
  }

  /** Network namespaces of the unclaimed pool sandboxes recorded under `stateDir`. */
  static pooledNetns(stateDir: string): string[] {
    try {
      return fs.readdirSync(path.join(stateDir, 'pool')).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -'.json'.length));
    } catch {
      return [];
    }
  }

  private recordPath(id: string, pooled = false): string {
    return path.join(pooled ? this.poolDir : this.podsDir, `${netnsName(id)}.json`);
  }

  private readRecord(id: string, pooled = false): PodRecord | undefined {
    try {
      return JSON.parse(fs.readFileSync(this.recordPath(id, pooled), 'utf8')) as PodRecord;
    } catch {
      return undefined;
    }
  }

  private writeRecord(file: string, record: PodRecord): void {
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(record));
    fs.renameSync(`${file}.tmp`, file);
  }

  private readAll(dir: string): PodRecord[] {
    return fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as PodRecord);
  }

  /** Where the pod's namespace is (setup creates it before anything else, synchronously). */
  netnsPath(podUid: string): string {
    return path.join(NETNS_DIR, netnsName(podUid));
  }

  /** Pod uids with a network record on disk (for leftover cleanup after a restart). */
  list(): string[] {
    return this.readAll(this.podsDir).map((r) => r.podUid);
  }

  /**
   * Ids of the pool sandboxes on disk. One whose namespace a pod record also names was claimed
   * by a process that died before dropping the pool record: that record goes, so the sandbox
   * is never given twice.
   */
  listPooled(): string[] {
    const claimed = new Set(this.readAll(this.podsDir).map((r) => r.netnsPath));
    return this.readAll(this.poolDir)
      .filter((r) => {
        if (!claimed.has(r.netnsPath)) return true;
        fs.rmSync(this.recordPath(r.podUid, true), { force: true });
        return false;
      })
      .map((r) => r.podUid);
  }

  /**
   * Hands a pool sandbox (made by setup with pooled) to a pod: from now on it is the pod's,
   * torn down with it. Synchronous, so two claims never get the same sandbox. Undefined when
   * that sandbox is gone.
   */
  claim(poolId: string, podUid: string): PodNetworkInfo | undefined {
    const r = this.readRecord(poolId, true);
    if (!r || !fs.existsSync(r.netnsPath)) return undefined;
    // The pod's record first: a crash between the two leaves a pool record listPooled drops.
    this.writeRecord(this.recordPath(podUid), { ...r, podUid, containerId: r.containerId ?? poolId });
    fs.rmSync(this.recordPath(poolId, true), { force: true });
    return { ip: r.ip, gateway: r.gateway, netnsPath: r.netnsPath };
  }

  /** Tears down an unclaimed pool sandbox (CNI DEL, netns removed); a missing or claimed one is left alone. */
  async release(poolId: string): Promise<void> {
    const record = this.readRecord(poolId, true);
    if (!record) return;
    await this.del(record);
    fs.rmSync(this.recordPath(poolId, true), { force: true });
  }

  /** Sets up the pod's network, or (pooled) a pool sandbox with `podUid` as its pool id. */
  async setup(podUid: string, opts: SetupOptions, pooled = false): Promise<PodNetworkInfo> {
    const existing = this.readRecord(podUid, pooled);
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
      this.writeRecord(this.recordPath(podUid, pooled), record);
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
    const call = { pluginDir: this.pluginDir, containerId: r.containerId ?? r.podUid, netnsPath: r.netnsPath, nodeNetnsPath: r.nodeNetnsPath };
    const hasResult = r.result.ips !== undefined;
    for (const conf of [...r.chain].reverse()) {
      await invokePlugin({ ...call, command: 'DEL', ifName: 'eth0', netconf: pluginNetconf(conf, hasResult ? r.result : undefined) });
    }
    deleteNetns(r.netnsPath);
  }
}
