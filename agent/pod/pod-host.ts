import type { Pod } from '../../lib/api';
import { BerthError } from '../../lib/errors';
import type { ExecHandle, ExecOptions } from '../runtime/container-runtime';
import type { PodObservation } from './pod-model';

/** An image could not be pulled; `message` is the registry's own reason (shown in ErrImagePull). */
export class ImagePullError extends BerthError {}

export interface PullProgress {
  bytes: number;
  totalBytes?: number;
}

export interface PulledImage {
  /** The digest reference that will run ("repo@sha256:…"). */
  imageId: string;
  bytes: number;
}

/**
 * What a pod sync needs from the node: a sandbox (network), images, and containers. The real
 * host composes the image store, snapshotter, OCI runtime and CNI; the simulated host (hollow
 * nodes) keeps everything in memory and makes the same API traffic.
 *
 * Lifecycle of a pod on a host: observe (what already exists, also after an agent restart) →
 * createSandbox → pullImage/startContainer per container (again on restarts) → stopPod (TERM,
 * grace, KILL) → cleanupPod (rootfs, RW layers, volumes, netns, IP, image holds). Every step is
 * idempotent: the syncer may repeat any of them after a crash.
 */
export interface PodHost {
  /** The containers, sandbox and images of a pod as they are now. Probes are filled by the caller. */
  observe(pod: Pod): Promise<Omit<PodObservation, 'probes'>>;
  createSandbox(pod: Pod): Promise<{ ip: string }>;
  /** Throws ImagePullError when the registry refuses. */
  pullImage(pod: Pod, image: string, onProgress?: (p: PullProgress) => void): Promise<PulledImage>;
  /**
   * Creates and starts a new instance of container `index` (removing the previous one).
   * `sandboxReady` is the pod's createSandbox still in flight: the host may prepare and create
   * the container meanwhile, but starts it only once the sandbox is up (and fails if it fails).
   */
  startContainer(pod: Pod, index: number, image: string, sandboxReady?: Promise<unknown>): Promise<void>;
  /** SIGKILLs the running instance of a container (liveness failure). */
  killContainer(pod: Pod, container: string): Promise<void>;
  /** SIGTERM to every container, wait up to graceSeconds, then SIGKILL. */
  stopPod(uid: string, graceSeconds: number): Promise<void>;
  /** Removes everything the pod left on the node. Works from the uid alone (the pod may be gone). */
  cleanupPod(uid: string): Promise<void>;
  /** Pod uids with anything left on the node (for adoption and leftover cleanup at start). */
  listPodUids(): Promise<string[]>;
  exec(pod: Pod, container: string, command: string[], opts: ExecOptions): ExecHandle;
  /** Called with the pod uid when a container of it exits, so its pod is synced at once. */
  onContainerExit(listener: (podUid: string) => void): void;
}
