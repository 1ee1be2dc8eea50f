// A whole berth cluster with one real agent on this host's network, for the agent's
// cluster-level tests and the pod start-up benchmark: etcd, NATS, apiserver, scheduler and
// controller-manager (TestCluster), a local registry holding the test images, and
// `berth agent` running real containers under a bridge, cgroup parent and pod CIDR of its own.
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Pod, type Container, type Volume } from '../../lib/api';
import { startRegistry, type RegistryServer } from '../../lib/servers/registry';
import { freePort, startProcess, waitUntil, type ManagedProcess } from '../../lib/servers/process';
import { buildTestImages, type BuiltImages } from '../../scripts/images/build';
import { pushImage } from '../../scripts/images/push';
import { BERTH_JS, FAST_LEADER_FLAGS, TestCluster } from '../../lib/testing/cluster';
import { netnsName } from '../network/cni-config';

export type TestRuntime = 'crun' | 'runc';

export interface RealClusterOptions {
  runtime: TestRuntime;
  /** Extra `berth agent` flags (later flags win over the defaults). */
  agentFlags?: string[];
  /** Agent log level (debug gives the per-stage timings the benchmark reads). */
  agentLogLevel?: string;
  /** Node flags for the agent process (e.g. --cpu-prof, which NODE_OPTIONS refuses). */
  agentNodeArgs?: string[];
}

export interface CliResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** What a cluster's pods can leave on the host; all zero once every pod is gone. */
export interface HostTraces {
  mounts: number;
  netns: number;
  veths: number;
  conmons: number;
  ips: number;
  cgroups: number;
  podDirs: number;
}

const sh = (cmd: string, args: string[]): string => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** The running processes (not zombies) whose argv[0] ends with `name` and whose command line holds `needle`. */
export function findProcesses(name: string, needle: string): number[] {
  const out: number[] = [];
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (argv[0].endsWith(name) && argv.join(' ').includes(needle) && !/\) Z /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'))) out.push(Number(pid));
    } catch {
      // exited while we looked
    }
  }
  return out;
}

export class RealCluster {
  readonly tc = new TestCluster();
  readonly tag = process.pid % 10000;
  readonly nodeName: string;
  readonly bridge: string;
  readonly cgroupParent: string;
  /** 10.<150..189>.0.0/16, so that concurrent test files never share pod addresses. */
  readonly clusterCidr: string;
  root = '';
  registry!: RegistryServer;
  images!: BuiltImages;
  /** `<registry>/base:latest` (busybox). */
  baseImage = '';
  agent?: ManagedProcess;
  private agentListen = '';
  /** Every pod uid the tests created, to look for their leftovers. */
  readonly uids = new Set<string>();

  constructor(readonly o: RealClusterOptions) {
    this.nodeName = `rn${o.runtime}${this.tag}`;
    this.bridge = `bc${o.runtime[0]}${this.tag}`;
    this.cgroupParent = `berth-ct-${o.runtime}-${process.pid}`;
    this.clusterCidr = `10.${150 + (process.pid % 40)}.0.0/16`;
  }

  get dir(): string {
    return this.tc.dir;
  }

  get client() {
    return this.tc.client;
  }

  /** Starts everything and waits until the node is Ready with a podCIDR. */
  async start(): Promise<void> {
    this.root = path.join(this.dir, 'node');
    await this.tc.start();
    this.images = await buildTestImages(path.join(this.dir, 'images'));
    this.registry = await startRegistry({ dir: path.join(this.dir, 'registry'), logFile: path.join(this.dir, 'registry.log') });
    this.baseImage = await pushImage(this.images.layout, this.images.images.base, { registry: this.registry.address });
    this.tc.scheduler('s1', FAST_LEADER_FLAGS);
    this.tc.controllerManager('c1', { leader: FAST_LEADER_FLAGS, extra: ['--cluster-cidr', this.clusterCidr] });
    this.agentListen = `127.0.0.1:${await freePort()}`;
    this.startAgent();
    await waitUntil(async () => {
      const node = await this.client.get('nodes', '', this.nodeName);
      return !!node.spec?.podCidr && !!node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
    }, 60_000, `node ${this.nodeName} Ready with a podCIDR`, 200);
  }

  /** Starts (or restarts) the node's agent process. */
  startAgent(): ManagedProcess {
    const args = [
      'agent', '--apiserver', this.tc.apiserver, '--nats', this.tc.nats.url, '--node-name', this.nodeName, '--root', this.root,
      '--runtime', this.o.runtime, '--listen', this.agentListen, '--node-ip', '127.0.0.1', '--bridge-name', this.bridge, '--cgroup-parent', this.cgroupParent,
      '--heartbeat-seconds', '1', '--resync-seconds', '5', '--drain-delay-seconds', '1', '--backoff-initial-seconds', '1',
      ...(this.o.agentFlags ?? []),
    ];
    const env = { BERTH_LOG_LEVEL: this.o.agentLogLevel ?? 'info' };
    if (this.o.agentNodeArgs?.length) {
      this.agent = startProcess(process.execPath, [...this.o.agentNodeArgs, BERTH_JS, ...args], { logFile: this.agentLog, env: { ...process.env, ...env } });
      this.tc.procs.push(this.agent);
    } else {
      this.agent = this.tc.spawn('agent', args, env);
    }
    return this.agent;
  }

  get agentLog(): string {
    return path.join(this.dir, 'agent.log');
  }

  /**
   * A pod on this node's runtime, from busybox containers (image defaults to base). The grace
   * period defaults to 2 s: `sleep` as PID 1 ignores SIGTERM and would hold every delete 30 s.
   */
  podSpec(name: string, containers: Array<Partial<Container> & { name: string }>, extra: { volumes?: Volume[]; restartPolicy?: string; terminationGracePeriodSeconds?: number } = {}): Pod {
    return Pod.fromPartial({
      metadata: { name, namespace: 'default' },
      spec: { containers: containers.map((c) => ({ image: this.baseImage, ...c })), restartPolicy: extra.restartPolicy ?? 'Always', volumes: extra.volumes ?? [], terminationGracePeriodSeconds: extra.terminationGracePeriodSeconds ?? 2 },
    });
  }

  async createPod(pod: Pod): Promise<Pod> {
    const created = await this.client.create('pods', pod);
    this.uids.add(created.metadata!.uid);
    return created;
  }

  /** Polls the pod until `check` holds; returns it. */
  async waitPod(name: string, check: (p: Pod) => boolean, what: string, timeoutMs = 60_000): Promise<Pod> {
    let last: Pod | undefined;
    await waitUntil(async () => check((last = await this.client.get('pods', 'default', name))), timeoutMs, `pod ${name}: ${what}`, 100);
    return last!;
  }

  /**
   * Every version of the pod the watch delivers (each status write), from now until `until`
   * holds; polling would miss states that last only milliseconds.
   */
  async watchPod(name: string, until: (p: Pod) => boolean, what: string, timeoutMs = 60_000): Promise<Pod[]> {
    const seen: Pod[] = [];
    const watch = this.client.watch('pods', { namespace: 'default' });
    const timer = setTimeout(() => watch.close(), timeoutMs);
    try {
      for await (const ev of watch) {
        if (ev.object?.metadata?.name !== name) continue;
        seen.push(ev.object);
        if (until(ev.object)) return seen;
      }
    } finally {
      clearTimeout(timer);
      watch.close();
    }
    throw new Error(`timed out after ${timeoutMs} ms watching pod ${name}: ${what}`);
  }

  /** Deletes the pods and waits until the agent has removed them from the API. */
  async deletePods(names: string[], timeoutMs = 60_000): Promise<void> {
    for (const n of names) await this.client.delete('pods', 'default', n).catch(() => undefined);
    await waitUntil(async () => {
      const left = (await this.client.list('pods', { namespace: 'default' })).items.filter((p) => names.includes(p.metadata!.name));
      return left.length === 0;
    }, timeoutMs, `pods ${names.join(', ')} gone`, 200);
  }

  /** `berth COMMAND --server APISERVER ARGS...` as a user runs it (--server belongs to each command). */
  cli(args: string[], timeoutMs = 30_000): Promise<CliResult> {
    return new Promise((resolve) => {
      execFile('node', [BERTH_JS, args[0], '--server', this.tc.apiserver, ...args.slice(1)], { timeout: timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : -1) : 0;
        resolve({ stdout, stderr, code });
      });
    });
  }

  /** Counts what this cluster's pods left: mounts under the root, pod netns, bridge ports, conmons, IPs, cgroups, pod dirs. */
  traces(): HostTraces {
    const mounts = fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.includes(`${this.root}/`)).length;
    const ours = new Set([...this.uids].map((u) => netnsName(u)));
    const netns = (fs.existsSync('/var/run/netns') ? fs.readdirSync('/var/run/netns') : []).filter((n) => ours.has(n)).length;
    let veths = 0;
    try {
      veths = sh('ip', ['-o', 'link', 'show', 'master', this.bridge]).split('\n').filter(Boolean).length;
    } catch {
      // bridge not created yet
    }
    const conmons = findProcesses('conmon', this.root).length;
    const ipamDir = path.join(this.root, 'network', 'ipam');
    // The agent's sandbox pool (netns + veth + IP made ahead of pods) is no pod's trace.
    const pooled = listFilesDeep(path.join(this.root, 'network', 'pool')).filter((f) => f.endsWith('.json')).length;
    veths -= pooled;
    const ips = listFilesDeep(ipamDir).filter((f) => /^\d+\.\d+\.\d+\.\d+$/.test(path.basename(f))).length - pooled;
    const memParent = path.join('/sys/fs/cgroup/memory', this.cgroupParent);
    const cgroups = fs.existsSync(memParent) ? fs.readdirSync(memParent, { withFileTypes: true }).filter((d) => d.isDirectory()).length : 0;
    const podsDir = path.join(this.root, 'pods');
    const podDirs = fs.existsSync(podsDir) ? fs.readdirSync(podsDir).length : 0;
    return { mounts, netns, veths, conmons, ips, cgroups, podDirs };
  }

  /** Stops every process by PID, then removes the bridge, the cgroup parents and the temp dir. */
  async stop(): Promise<void> {
    // The agent first, with time to release its sandbox pool and unmount the root's shared bind.
    await this.agent?.stop(30_000);
    // What an agent killed before its shutdown leaves: pool namespaces (their veths go with
    // them) and the root's shared bind, which the temp dir's removal would trip over.
    const poolDir = this.root ? path.join(this.root, 'network', 'pool') : '';
    for (const f of poolDir && fs.existsSync(poolDir) ? fs.readdirSync(poolDir).filter((n) => n.endsWith('.json')) : []) {
      try {
        sh('ip', ['netns', 'delete', path.basename(f, '.json')]);
      } catch {
        // already gone
      }
    }
    if (this.root && fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some((l) => l.split(' ')[4] === this.root)) sh('umount', ['-l', this.root]);
    await this.registry?.stop();
    await this.tc.stop();
    try {
      sh('ip', ['link', 'delete', this.bridge]);
    } catch {
      // never created
    }
    for (const h of fs.existsSync('/sys/fs/cgroup') ? ['', ...fs.readdirSync('/sys/fs/cgroup')] : []) {
      try {
        fs.rmdirSync(path.join('/sys/fs/cgroup', h, this.cgroupParent));
      } catch {
        // absent in this hierarchy
      }
    }
  }
}

function listFilesDeep(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).filter((d) => d.isFile()).map((d) => path.join(d.parentPath, d.name));
}
