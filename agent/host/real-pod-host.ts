import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ContainerImage, Pod } from '../../lib/api';
import { NotFoundError, UnavailableError, errorMessage } from '../../lib/errors';
import { parseReference } from '../../lib/image/reference';
import type { Logger } from '../../lib/log';
import type { ImageService } from '../image/image-service';
import type { ImageRecord } from '../image/image-store';
import type { PullEvent } from '../image/puller';
import type { PodNetwork } from '../network/pod-network';
import type { PortMapping } from '../network/cni-config';
import { ImagePullError, type PodHost, type PulledImage, type PullProgress } from '../pod/pod-host';
import { imageToRun } from '../pod/pod-image';
import type { ObservedContainer } from '../pod/pod-model';
import type { CgroupVersion } from '../runtime/cgroup-version';
import { rotateOnRestart } from '../runtime/container-log';
import { ContainerNotFoundError, RuntimeError, type ContainerRuntime, type ContainerState, type ExecHandle, type ExecOptions } from '../runtime/container-runtime';
import { UnknownUserError } from '../runtime/image-user';
import { writeBundleConfig } from '../runtime/bundle';
import { buildOciSpec } from '../runtime/oci-spec';
import { ExitWatcher } from './exit-watcher';
import { SandboxPool } from './sandbox-pool';
import { unmountUnder } from './host-mounts';
import { PodDirs, instanceId, shortUid, writeFileAtomic, type InstanceRecord } from './pod-dirs';
import { hostsFile, podHostname, podResolvConf } from './pod-files';
import { volumeBinds } from './volume-plan';
import { ensureSubPaths, ensureVolumes } from './volume-setup';

/** Conventional exit code of a container the runtime could not start (Docker's and CRI's StartError). */
export const START_ERROR_EXIT_CODE = 128;

export interface RealPodHostOptions {
  /** The agent's --root: pods live under root/pods. */
  root: string;
  runtime: ContainerRuntime;
  /** Where the runtime's monitor writes exit files named by container id. */
  exitDir: string;
  network: PodNetwork;
  images: ImageService;
  /** The node's podCIDR once the control plane assigned it. */
  podCidr: () => string | undefined;
  /** The pods' CNI bridge (one per node netns). */
  bridgeName: string;
  /** Set when the node lives in a network namespace of its own. */
  nodeNetnsPath?: string;
  /** Pod cgroups go under /<cgroupParent>/pod-<uid>/<container id> in every hierarchy. */
  cgroupParent: string;
  cgroupVersion: CgroupVersion;
  /** Host NOFILE hard limit, passed to buildOciSpec. */
  maxNofile?: number;
  /** Defaults to /etc/resolv.conf. */
  hostResolvConf?: string;
  /** Pod sandboxes kept ready ahead of pods at least (0 or absent: no pool); more after bursts. */
  sandboxPool?: number;
  /** Pods this node runs at most: the pool never holds more sandboxes than that leaves room for. */
  maxPods?: number;
  log: Logger;
}

function toMs(d: Date | undefined): number | undefined {
  return d === undefined ? undefined : d.getTime();
}

function observedState(s: ContainerState): ObservedContainer['state'] {
  if (s.status === 'created') return 'created';
  if (s.status === 'running') return 'running';
  return 'exited';
}

function readIfRegular(file: string): string | undefined {
  try {
    return fs.lstatSync(file).isFile() ? fs.readFileSync(file, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The PodHost of a real node: a CNI network namespace per pod (sandbox), images from the node's
 * image service, one overlay rootfs and OCI bundle per container instance, containers run by
 * the OCI runtime under conmon. Everything it knows is on disk (pod-dirs.ts, the runtime's and
 * the network's state), so a new instance after an agent restart adopts running containers
 * as they are, and cleanup works from the pod uid alone.
 */
export class RealPodHost implements PodHost {
  private readonly dirs: PodDirs;
  private readonly exitListeners: ((uid: string) => void)[] = [];
  private readonly watcher: ExitWatcher;
  private imageCache: ContainerImage[] = [];
  /** Sandbox setups in flight, by pod uid. */
  private readonly sandboxes = new Map<string, Promise<{ ip: string }>>();
  /** Container starts in flight (the sandbox pool refills only when there are none). */
  private starting = 0;
  private readonly pool: SandboxPool;

  constructor(private readonly o: RealPodHostOptions) {
    this.dirs = new PodDirs(path.join(o.root, 'pods'));
    this.watcher = new ExitWatcher(o.exitDir, (id) => this.containerExited(id));
    this.pool = new SandboxPool({
      network: o.network,
      floor: o.sandboxPool ?? 0,
      ceiling: o.maxPods === undefined ? undefined : () => (o.maxPods as number) - this.dirs.uids().length,
      params: () => {
        const podCidr = o.podCidr();
        return podCidr ? { podCidr, bridgeName: o.bridgeName, nodeNetnsPath: o.nodeNetnsPath, portMappings: [] } : undefined;
      },
      idle: () => this.starting === 0 && this.sandboxes.size === 0,
      log: o.log.child({ component: 'sandbox-pool' }),
    });
  }

  /** Starts watching container exits, loads the image list for node status, fills the sandbox pool. */
  async start(): Promise<void> {
    this.watcher.start();
    await this.refreshImages();
    this.pool.start();
  }

  /** Stops watching and releases the unclaimed pool sandboxes (pods keep theirs). */
  async close(): Promise<void> {
    this.watcher.stop();
    await this.pool.close();
  }

  async observe(pod: Pod): Promise<{ sandbox?: { ip: string }; containers: Record<string, ObservedContainer | undefined>; imagePresent: Record<string, boolean> }> {
    const uid = pod.metadata!.uid;
    const sb = this.dirs.readSandbox(uid);
    const containers: Record<string, ObservedContainer | undefined> = {};
    const imagePresent: Record<string, boolean> = {};
    for (const c of pod.spec?.containers ?? []) {
      const rec = this.dirs.readInstance(uid, c.name);
      containers[c.name] = rec ? await this.observeInstance(rec) : undefined;
      imagePresent[c.name] = (await this.findImage(imageToRun(pod, c))) !== undefined;
    }
    return { sandbox: sb && fs.existsSync(sb.netnsPath) ? { ip: sb.ip } : undefined, containers, imagePresent };
  }

  createSandbox(pod: Pod): Promise<{ ip: string }> {
    const uid = pod.metadata!.uid;
    // One setup per pod at a time: a sync that failed meanwhile must not start a second one.
    let pending = this.sandboxes.get(uid);
    if (!pending) {
      pending = this.setupSandbox(pod).finally(() => this.sandboxes.delete(uid));
      this.sandboxes.set(uid, pending);
    }
    return pending;
  }

  private async setupSandbox(pod: Pod): Promise<{ ip: string }> {
    const uid = pod.metadata!.uid;
    const existing = this.dirs.readSandbox(uid);
    if (existing && fs.existsSync(existing.netnsPath)) return { ip: existing.ip };
    const podCidr = this.o.podCidr();
    if (!podCidr) throw new UnavailableError('this node has no podCIDR yet: pods cannot get an IP');
    // The files containers bind exist before the network is up, since startContainer may create
    // a container meanwhile. /etc/hosts gets the pod IP later, written in place (same inode).
    const hostname = podHostname(pod);
    const hosts = this.dirs.etc(uid, 'hosts');
    if (!fs.existsSync(hosts)) writeFileAtomic(hosts, '');
    writeFileAtomic(this.dirs.etc(uid, 'resolv.conf'), podResolvConf(readIfRegular(this.o.hostResolvConf ?? '/etc/resolv.conf') ?? ''));
    writeFileAtomic(this.dirs.etc(uid, 'hostname'), `${hostname}\n`);
    const t0 = performance.now();
    // A pool sandbox is claimed before the first await, so startContainer finds it on disk. Pods
    // with hostPorts need portmap in their ADD: they get one of their own.
    const ports = portMappings(pod);
    const info = (ports.length === 0 ? this.pool.take(uid) : undefined) ?? (await this.o.network.setup(uid, { podCidr, bridgeName: this.o.bridgeName, nodeNetnsPath: this.o.nodeNetnsPath, portMappings: ports }));
    this.o.log.debug({ uid, stage: 'cni', ms: performance.now() - t0 }, 'stage timing');
    fs.writeFileSync(hosts, hostsFile(hostname, info.ip));
    this.dirs.writeSandbox(uid, { ip: info.ip, netnsPath: info.netnsPath });
    this.o.log.debug({ uid, ip: info.ip }, 'sandbox ready');
    return { ip: info.ip };
  }

  async pullImage(_pod: Pod, image: string, onProgress?: (p: PullProgress) => void): Promise<PulledImage> {
    const layers = new Map<string, { current: number; total: number }>();
    const progress = (ev: PullEvent): void => {
      if (ev.type !== 'layer' || !onProgress) return;
      layers.set(ev.digest, { current: ev.current, total: ev.total });
      let bytes = 0;
      let totalBytes = 0;
      for (const l of layers.values()) {
        bytes += l.current;
        totalBytes += l.total;
      }
      onProgress({ bytes, totalBytes });
    };
    try {
      const ref = parseReference(image);
      const result = await this.o.images.puller.pull(ref, { onProgress: progress });
      await this.refreshImages();
      return { imageId: `${ref.name}@${result.record.digest}`, bytes: result.bytesFetched };
    } catch (err) {
      // Whatever the registry (or the reference) said is what ErrImagePull shows.
      throw new ImagePullError(errorMessage(err), { cause: err });
    }
  }

  async startContainer(pod: Pod, index: number, image: string, sandboxReady?: Promise<unknown>): Promise<void> {
    this.starting++;
    try {
      await this.runContainer(pod, index, image, sandboxReady);
    } finally {
      this.starting--;
    }
  }

  private async runContainer(pod: Pod, index: number, image: string, sandboxReady?: Promise<unknown>): Promise<void> {
    const uid = pod.metadata!.uid;
    const c = pod.spec!.containers[index];
    const log = this.o.log.child({ uid, container: c.name });
    const prev = this.dirs.readInstance(uid, c.name);
    if (prev) {
      await this.removeInstance(uid, prev);
      rotateOnRestart(this.dirs.log(uid, c.name));
    }
    const record = await this.o.images.images.get(image);
    let netnsPath = this.dirs.readSandbox(uid)?.netnsPath;
    if (!netnsPath && sandboxReady) {
      // While the sandbox comes up its namespace already exists at its final path; if it does
      // not, the setup failed first: waiting surfaces why.
      netnsPath = this.o.network.netnsPath(uid);
      if (!fs.existsSync(netnsPath)) await sandboxReady;
    }
    if (!netnsPath) throw new UnavailableError(`pod ${uid} has no sandbox yet`);
    await ensureVolumes(pod, this.dirs);
    const binds = volumeBinds(pod, c, (name) => this.dirs.volume(uid, name));
    ensureSubPaths(binds, (pod.spec?.volumes ?? []).map((v) => (v.hostPath ? v.hostPath.path : this.dirs.volume(uid, v.name))));

    const instance = (prev?.instance ?? 0) + 1;
    const id = instanceId(uid, c.name, instance);
    const rec: InstanceRecord = { id, name: c.name, instance, imageId: `${parseReference(image).name}@${record.digest}`, manifestDigest: record.manifestDigest };
    // Recorded before anything is made, so cleanup finds whatever a crash leaves half-done.
    this.dirs.writeInstance(uid, rec);
    await this.o.images.images.holdImage(id, record.manifestDigest);
    const bundle = this.dirs.bundle(uid, id);
    const rootfs = path.join(bundle, 'rootfs');
    fs.mkdirSync(rootfs, { recursive: true });
    // Stage timings at debug level feed bench/startup's per-stage breakdown.
    const stage = (name: string, since: number): number => {
      const now = performance.now();
      log.debug({ stage: name, ms: now - since }, 'stage timing');
      return now;
    };
    let t = performance.now();
    await this.o.images.snapshots.mountRootfs(record.layers.map((l) => l.chainId), id, rootfs);
    t = stage('rootfs-mount', t);
    try {
      writeBundleConfig(bundle, this.spec(pod, index, record, rootfs, netnsPath, binds, id));
      const { pid } = await this.o.runtime.create(id, bundle, { logPath: this.dirs.log(uid, c.name) });
      t = stage('runtime-create', t);
      if (sandboxReady) {
        await sandboxReady;
        t = stage('sandbox-wait', t);
      }
      await this.o.runtime.start(id);
      stage('runtime-start', t);
      log.debug({ id, pid }, 'container started');
    } catch (err) {
      if (!(err instanceof RuntimeError || err instanceof UnknownUserError)) throw err;
      // Not an infrastructure failure: the container itself cannot run (missing binary, bad
      // user). It is reported as exited so that restarts back off like a crash loop.
      log.warn({ id, err: errorMessage(err) }, 'container failed to start');
      this.dirs.writeInstance(uid, { ...rec, startError: { message: err.message, at: Date.now() } });
      for (const l of this.exitListeners) l(uid);
    }
  }

  async killContainer(pod: Pod, container: string): Promise<void> {
    const rec = this.dirs.readInstance(pod.metadata!.uid, container);
    if (rec && !rec.startError) await this.o.runtime.kill(rec.id, 'SIGKILL');
  }

  async stopPod(uid: string, graceSeconds: number): Promise<void> {
    await Promise.all(
      this.dirs
        .instances(uid)
        .filter((r) => !r.startError)
        .map((r) =>
          this.o.runtime.stop(r.id, graceSeconds).catch((err: unknown) => {
            if (!(err instanceof ContainerNotFoundError)) throw err;
          }),
        ),
    );
  }

  async cleanupPod(uid: string): Promise<void> {
    await this.sandboxes.get(uid)?.catch(() => undefined);
    const podDir = this.dirs.pod(uid);
    const recorded = this.dirs.instances(uid);
    for (const rec of recorded) await this.removeInstance(uid, rec);
    // Runtime containers of this pod that lost their record (a crash between the two).
    const prefix = `${shortUid(uid)}-`;
    for (const id of (await this.o.runtime.list()).filter((i) => i.startsWith(prefix) && !recorded.some((r) => r.id === i))) {
      await this.o.runtime.delete(id);
      await this.o.images.snapshots.unmountRootfs(id, this.dirs.bundle(uid, id) + '/rootfs');
      await this.o.images.images.releaseImage(id);
    }
    await unmountUnder(podDir);
    await this.o.network.teardown(uid);
    this.removeCgroups(uid);
    fs.rmSync(podDir, { recursive: true, force: true });
    this.dirs.forget(uid);
    this.o.log.debug({ uid }, 'pod cleaned up');
  }

  async listPodUids(): Promise<string[]> {
    return [...new Set([...this.dirs.uids(), ...this.o.network.list()])];
  }

  exec(pod: Pod, container: string, command: string[], opts: ExecOptions): ExecHandle {
    const rec = this.dirs.readInstance(pod.metadata!.uid, container);
    if (!rec || rec.startError) throw new NotFoundError(`container ${container} of pod ${pod.metadata?.namespace}/${pod.metadata?.name} is not running`);
    return this.o.runtime.exec(rec.id, command, opts);
  }

  onContainerExit(listener: (podUid: string) => void): void {
    this.exitListeners.push(listener);
  }

  /** The log file of a container's current instance (its previous one's is previousLogPath of it). */
  logPath(uid: string, container: string): string {
    return this.dirs.log(uid, container);
  }

  /** Whether the container's current instance is running (log followers stop when it is not). */
  async isRunning(uid: string, container: string): Promise<boolean> {
    const rec = this.dirs.readInstance(uid, container);
    return !!rec && (await this.observeInstance(rec))?.state === 'running';
  }

  /** Images this node holds, for Node status (cached: the node agent reads it synchronously). */
  listImages(): ContainerImage[] {
    return this.imageCache;
  }

  async refreshImages(): Promise<void> {
    const summaries = await this.o.images.images.listImages();
    this.imageCache = summaries.map((s) => ({ names: s.names, digest: s.digest, sizeBytes: s.sizeBytes, layers: s.layers }));
  }

  private async findImage(image: string): Promise<ImageRecord | undefined> {
    try {
      return await this.o.images.images.find(image);
    } catch {
      return undefined; // an unparsable reference is simply not present; the pull reports why
    }
  }

  private async observeInstance(rec: InstanceRecord): Promise<ObservedContainer | undefined> {
    const base = { name: rec.name, id: rec.id, imageId: rec.imageId };
    if (rec.startError) return { ...base, state: 'exited', exitCode: START_ERROR_EXIT_CODE, finishedAt: rec.startError.at };
    let st: ContainerState;
    try {
      st = await this.o.runtime.state(rec.id);
    } catch (err) {
      if (err instanceof ContainerNotFoundError) return undefined;
      throw err;
    }
    return { ...base, state: observedState(st), startedAt: toMs(st.startedAt), finishedAt: toMs(st.finishedAt), exitCode: st.exitCode, oomKilled: st.oomKilled };
  }

  private spec(pod: Pod, index: number, record: ImageRecord, rootfs: string, netnsPath: string, binds: ReturnType<typeof volumeBinds>, id: string): ReturnType<typeof buildOciSpec> {
    const uid = pod.metadata!.uid;
    const named = !!record.config.User && !/^\d+(:\d+)?$/.test(record.config.User);
    return buildOciSpec({
      pod,
      container: pod.spec!.containers[index],
      image: { Entrypoint: record.config.Entrypoint, Cmd: record.config.Cmd, Env: record.config.Env, WorkingDir: record.config.WorkingDir, User: record.config.User },
      rootfsPath: rootfs,
      netnsPath,
      hostname: podHostname(pod),
      volumes: binds,
      hostsPath: this.dirs.etc(uid, 'hosts'),
      resolvConfPath: this.dirs.etc(uid, 'resolv.conf'),
      hostnamePath: this.dirs.etc(uid, 'hostname'),
      imagePasswd: named ? readIfRegular(path.join(rootfs, 'etc/passwd')) : undefined,
      imageGroup: named ? readIfRegular(path.join(rootfs, 'etc/group')) : undefined,
      cgroupsPath: `/${this.o.cgroupParent}/pod-${uid}/${id}`,
      cgroupVersion: this.o.cgroupVersion,
      maxNofile: this.o.maxNofile,
    });
  }

  /** Deletes the runtime container, unmounts its rootfs (dropping its RW layer), releases its image. */
  private async removeInstance(uid: string, rec: InstanceRecord): Promise<void> {
    const bundle = this.dirs.bundle(uid, rec.id);
    await this.o.runtime.delete(rec.id);
    await this.o.images.snapshots.unmountRootfs(rec.id, path.join(bundle, 'rootfs'));
    fs.rmSync(bundle, { recursive: true, force: true });
    await this.o.images.images.releaseImage(rec.id);
    this.dirs.removeInstance(uid, rec.name);
  }

  /**
   * The pod's cgroup directories in every hierarchy. Runtimes remove a container's own cgroup
   * on delete, but not one whose monitor died with it: empty leftovers go too (rmdir refuses
   * a cgroup that still has processes, so nothing live is touched).
   */
  private removeCgroups(uid: string): void {
    const rel = path.join(this.o.cgroupParent, `pod-${uid}`);
    let hierarchies: string[] = [];
    try {
      hierarchies = fs.readdirSync('/sys/fs/cgroup');
    } catch {
      // no cgroupfs: nothing to remove
    }
    const rmdir = (dir: string): void => {
      try {
        fs.rmdirSync(dir);
      } catch {
        // absent in this hierarchy, or still in use
      }
    };
    for (const dir of [path.join('/sys/fs/cgroup', rel), ...hierarchies.map((h) => path.join('/sys/fs/cgroup', h, rel))]) {
      let children: fs.Dirent[] = [];
      try {
        children = fs.readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory());
      } catch {
        continue;
      }
      for (const c of children) rmdir(path.join(dir, c.name));
      rmdir(dir);
    }
  }

  private containerExited(id: string): void {
    const uid = this.dirs.uids().find((u) => id.startsWith(`${shortUid(u)}-`));
    if (uid) for (const l of this.exitListeners) l(uid);
  }
}

function portMappings(pod: Pod): PortMapping[] {
  return (pod.spec?.containers ?? []).flatMap((c) =>
    c.ports
      .filter((p) => p.hostPort > 0)
      .map((p) => ({ hostPort: p.hostPort, containerPort: p.containerPort, protocol: p.protocol.toLowerCase() === 'udp' ? ('udp' as const) : ('tcp' as const), ...(p.hostIp ? { hostIP: p.hostIp } : {}) })),
  );
}
