import type { Readable, Writable } from 'node:stream';
import { BerthError } from '../../lib/errors';

/** The runtime has no container with that id (never created, or deleted). */
export class ContainerNotFoundError extends BerthError {}
/** create/start/exec failed inside the OCI runtime; `message` carries the runtime's own words. */
export class RuntimeError extends BerthError {}

export type ContainerStatus = 'created' | 'running' | 'stopped' | 'unknown';

export interface ContainerState {
  status: ContainerStatus;
  /** The container's init process on the host, while created/running. */
  pid?: number;
  /** Set once stopped, if the monitor recorded it (absent when the monitor itself was killed). */
  exitCode?: number;
  /** The memory cgroup OOM-killed a process of this container (independent of exitCode). */
  oomKilled?: boolean;
  startedAt?: Date;
  finishedAt?: Date;
}

export interface ExecOptions {
  tty: boolean;
  stdin: boolean;
  env?: string[];
  cwd?: string;
}

/** A process running inside a container. Streams are Node streams; stdin is present when asked for. */
export interface ExecHandle {
  stdin: Writable | null;
  stdout: Readable;
  /** With a tty, stderr is merged into stdout by the terminal and this stream stays empty. */
  stderr: Readable;
  /** Resolves with the command's exit code (128+N for a signal, as a shell reports it). */
  exitCode: Promise<number>;
  kill(signal?: NodeJS.Signals): void;
}

export interface CreateOptions {
  /** The container's stdout/stderr go here in CRI's k8s-file format. */
  logPath: string;
}

/**
 * Runs containers from OCI bundles (a directory with config.json whose root.path is a mounted
 * rootfs). Containers outlive the process that drives this interface: everything it knows is
 * on disk, so a new instance (after an agent restart) sees what an old one created.
 *
 * Lifecycle of one container id:
 *   create(id, bundle)  the monitor starts, the runtime creates the container: namespaces,
 *                       cgroup, mounts are set up and the init process waits; state = created
 *   start(id)           the init process execs the container's args; state = running
 *   exec(id, args)*     extra processes inside the running container (probes, `berth exec`)
 *   stop(id, grace)     SIGTERM, then SIGKILL after the grace period; the monitor records the
 *                       exit code (and an OOM kill) on disk; state = stopped
 *   delete(id)          removes the runtime's container (and its cgroup) and the on-disk
 *                       records; the bundle's rootfs stays the caller's to unmount
 *
 * Adoption after a restart: list() returns every container still on disk; state(id) tells
 * whether each still runs (same pid) or has stopped meanwhile, with its recorded exit code.
 * A simulated runtime implements the same interface without processes.
 */
export interface ContainerRuntime {
  readonly name: string;
  create(id: string, bundleDir: string, opts: CreateOptions): Promise<{ pid: number }>;
  start(id: string): Promise<void>;
  state(id: string): Promise<ContainerState>;
  /** SIGTERM, wait up to graceSeconds for the exit, then SIGKILL; resolves once stopped. */
  stop(id: string, graceSeconds: number): Promise<void>;
  kill(id: string, signal: NodeJS.Signals): Promise<void>;
  /** Removes a stopped (or, forcibly, a running) container. A missing one is a no-op. */
  delete(id: string): Promise<void>;
  list(): Promise<string[]>;
  exec(id: string, args: string[], opts: ExecOptions): ExecHandle;
  version(): Promise<string>;
}
