// The vocabulary of a pod sync: what the agent observed on the node, what it remembers about
// a pod between syncs (persisted in root/pods/<uid>/state.json), and the plan it computes.
// Times are epoch milliseconds.

/** The newest instance of one container of a pod, as the runtime reports it. */
export interface ObservedContainer {
  name: string;
  id: string;
  state: 'created' | 'running' | 'exited';
  startedAt?: number;
  finishedAt?: number;
  exitCode?: number;
  /** From the memory cgroup / conmon's oom file, never guessed from the exit code. */
  oomKilled?: boolean;
  /** The digest reference that runs ("repo@sha256:…"). */
  imageId: string;
}

export interface ProbeView {
  /** Readiness verdict; undefined until the first verdict. */
  ready?: boolean;
  /** False once liveness failed failureThreshold times in a row. */
  alive: boolean;
}

export interface PodObservation {
  /** The pod's network sandbox, once set up. */
  sandbox?: { ip: string };
  /** Keyed by container name. */
  containers: Record<string, ObservedContainer | undefined>;
  /** Whether each container's image is in the local store, keyed by container name. */
  imagePresent: Record<string, boolean>;
  probes: Record<string, ProbeView | undefined>;
}

export interface TerminationRecord {
  containerId: string;
  exitCode: number;
  reason: string;
  startedAt?: number;
  finishedAt?: number;
}

/** What the agent remembers per container across syncs and restarts. */
export interface ContainerMemory {
  restartCount: number;
  /** The back-off delay armed by the last restart (see backoffGate). */
  restartDelayMs?: number;
  /** The instance before the current one, for lastState. */
  lastTermination?: TerminationRecord;
  pullFailure?: { message: string; failedAt: number; delayMs?: number };
  /** The digest the last successful pull resolved to. */
  imageId?: string;
}

export interface PodMemory {
  containers: Record<string, ContainerMemory | undefined>;
  /** When the agent first accepted the pod (status.startTime). */
  startedAt?: number;
}

export type PodAction =
  | { type: 'createSandbox' }
  | { type: 'pullImage'; container: string; image: string }
  /** Create and start a fresh instance (removing the old one); a restart when `restart` is set. */
  | { type: 'startContainer'; container: string; index: number; restart?: { nextDelayMs: number } }
  | { type: 'killContainer'; container: string; reason: 'LivenessProbeFailed' }
  /** deletionTimestamp is set: stop everything gracefully, clean up, confirm the delete. */
  | { type: 'terminatePod' };

export interface WaitingReason {
  reason: string;
  message?: string;
}

export interface PodPlan {
  actions: PodAction[];
  /** Why containers that will not start in this sync are waiting, keyed by container name. */
  waiting: Record<string, WaitingReason>;
  /** Sync again after this many ms (a back-off ends), if set. */
  requeueAfterMs?: number;
}
