import { PassThrough } from 'node:stream';
import type { ContainerImage, Pod } from '../../lib/api';
import type { Clock } from '../../lib/controller';
import type { ObservedContainer, ProbeView } from '../pod/pod-model';
import { ImagePullError, type PodHost, type PulledImage } from '../pod/pod-host';
import { imageToRun } from '../pod/pod-image';
import type { PodProbes } from '../probe/probe-manager';
import type { ExecHandle } from '../runtime/container-runtime';
import { simulatedFaults } from './fault-annotations';

interface SimContainer extends ObservedContainer {
  timer?: unknown;
}

interface SimPod {
  ip?: string;
  containers: Map<string, SimContainer>;
}

/** An IPv4 address `n` hosts into a CIDR ("10.244.3.0/24", 5 → "10.244.3.5"). */
export function nthAddress(cidr: string, n: number): string {
  const [base] = cidr.split('/');
  const v = base.split('.').reduce((acc, o) => acc * 256 + Number(o), 0) + n;
  return [24, 16, 8, 0].map((s) => Math.floor(v / 2 ** s) % 256).join('.');
}

/**
 * A hollow node's pods: no processes, no mounts, no network; containers start at once with
 * fake ids, and the pod template's fault annotations make them crash, never get ready, or
 * fail to pull. `resolve` turns a tag into the digest reference to report (the real registry
 * when reachable); without it the reference itself is reported.
 */
export class SimulatedPodHost implements PodHost {
  private readonly pods = new Map<string, SimPod>();
  /** Reference pulled → the digest reference it resolved to. */
  private readonly images = new Map<string, string>();
  /** The resolved references, so a pod naming one by digest counts as present without a scan. */
  private readonly imageIds = new Set<string>();
  private readonly exitListeners: ((uid: string) => void)[] = [];
  private nextIp = 2;
  private nextId = 1;

  constructor(
    private readonly nodeName: string,
    private readonly podCidr: () => string,
    private readonly clock: Clock,
    private readonly resolve?: (image: string) => Promise<string>,
  ) {}

  async observe(pod: Pod): Promise<{ sandbox?: { ip: string }; containers: Record<string, ObservedContainer | undefined>; imagePresent: Record<string, boolean> }> {
    const sim = this.pods.get(pod.metadata?.uid ?? '');
    const containers: Record<string, ObservedContainer | undefined> = {};
    for (const [name, c] of sim?.containers ?? []) containers[name] = { ...c, timer: undefined } as ObservedContainer;
    const imagePresent: Record<string, boolean> = {};
    // As the real host: the image to run (the revision's digest when recorded) is what must be present.
    for (const c of pod.spec?.containers ?? []) {
      const image = imageToRun(pod, c);
      imagePresent[c.name] = this.images.has(image) || this.imageIds.has(image);
    }
    return { sandbox: sim?.ip ? { ip: sim.ip } : undefined, containers, imagePresent };
  }

  async createSandbox(pod: Pod): Promise<{ ip: string }> {
    const sim = this.podOf(pod.metadata!.uid);
    const cidr = this.podCidr() || '10.255.0.0/16';
    sim.ip ??= nthAddress(cidr, this.nextIp++);
    return { ip: sim.ip };
  }

  async pullImage(pod: Pod, image: string): Promise<PulledImage> {
    const faults = simulatedFaults(pod);
    if (faults.pullError) throw new ImagePullError(faults.pullError);
    const imageId = image.includes('@sha256:') || !this.resolve ? image : await this.resolve(image).catch(() => image);
    this.images.set(image, imageId);
    this.imageIds.add(imageId);
    return { imageId, bytes: 0 };
  }

  async startContainer(pod: Pod, index: number, image: string): Promise<void> {
    const uid = pod.metadata!.uid;
    const spec = pod.spec!.containers[index];
    const sim = this.podOf(uid);
    this.clearTimer(sim.containers.get(spec.name));
    const c: SimContainer = { name: spec.name, id: `hollow-${this.nodeName}-${this.nextId++}`, state: 'running', startedAt: this.clock.now(), imageId: this.images.get(image) ?? image };
    const crashAfter = simulatedFaults(pod).crashAfterMs;
    if (crashAfter !== undefined) c.timer = this.clock.setTimeout(() => this.exit(uid, c, 1), crashAfter);
    sim.containers.set(spec.name, c);
  }

  async killContainer(pod: Pod, container: string): Promise<void> {
    const c = this.pods.get(pod.metadata!.uid)?.containers.get(container);
    if (c?.state === 'running') this.exit(pod.metadata!.uid, c, 137);
  }

  async stopPod(uid: string): Promise<void> {
    for (const c of this.pods.get(uid)?.containers.values() ?? []) {
      this.clearTimer(c);
      if (c.state === 'running') Object.assign(c, { state: 'exited', exitCode: 143, finishedAt: this.clock.now() });
    }
  }

  async cleanupPod(uid: string): Promise<void> {
    await this.stopPod(uid);
    this.pods.delete(uid);
  }

  async listPodUids(): Promise<string[]> {
    return [...this.pods.keys()];
  }

  exec(): ExecHandle {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    stdout.end();
    stderr.end();
    return { stdin: null, stdout, stderr, exitCode: Promise.resolve(0), kill: () => undefined };
  }

  onContainerExit(listener: (podUid: string) => void): void {
    this.exitListeners.push(listener);
  }

  /** Images this node holds, for Node status (no layers: hollow nodes store none). */
  listImages(): ContainerImage[] {
    return [...this.images.entries()].map(([name, id]) => ({ names: name === id ? [name] : [name, id], digest: id.split('@')[1] ?? '', sizeBytes: 0, layers: [] }));
  }

  private podOf(uid: string): SimPod {
    let sim = this.pods.get(uid);
    if (!sim) this.pods.set(uid, (sim = { containers: new Map() }));
    return sim;
  }

  private clearTimer(c: SimContainer | undefined): void {
    if (c?.timer !== undefined) this.clock.clearTimeout(c.timer);
  }

  private exit(uid: string, c: SimContainer, code: number): void {
    this.clearTimer(c);
    Object.assign(c, { state: 'exited', exitCode: code, finishedAt: this.clock.now(), timer: undefined });
    for (const l of this.exitListeners) l(uid);
  }
}

/** Hollow readiness: every running container passes, unless the pod is marked never-ready. */
export class SimulatedProbes implements PodProbes {
  views(pod: Pod, containers: Record<string, ObservedContainer | undefined>): Record<string, ProbeView | undefined> {
    const neverReady = simulatedFaults(pod).neverReady;
    const out: Record<string, ProbeView | undefined> = {};
    for (const [name, c] of Object.entries(containers)) if (c?.state === 'running') out[name] = { ready: !neverReady, alive: true };
    return out;
  }

  forget(): void {}
}
