import { objectKey, type ApiClient, type Pod, type PodStatus } from '../../lib/api';
import type { Clock, EventRecorder } from '../../lib/controller';
import { NotFoundError, errorMessage } from '../../lib/errors';
import type { Logger } from '../../lib/log';
import type { BackoffConfig } from './backoff';
import { computePodActions } from './pod-actions';
import { ImagePullError, type PodHost } from './pod-host';
import { imageToRun } from './pod-image';
import { afterPull, afterPullFailure, afterStart } from './pod-memory';
import type { PodMemoryStore } from './pod-memory-store';
import type { PodMemory, PodObservation, WaitingReason } from './pod-model';
import { computePodStatus } from './pod-status';
import type { PodProbes } from '../probe/probe-manager';

export interface PodSyncerDeps {
  /** The final delete. */
  client: Pick<ApiClient, 'delete'>;
  /** UpdateStatus of one pod (podStatusWriter shares calls between pods); the written pod back. */
  writeStatus(pod: Pod): Promise<Pod>;
  host: PodHost;
  probes: PodProbes;
  memory: PodMemoryStore;
  events: Pick<EventRecorder, 'record'>;
  clock: Clock;
  backoff: BackoffConfig;
  /** Between Ready=False and SIGTERM, so clients stop sending first. */
  drainDelayMs: number;
  hostIp: string;
  /** Sync this pod key again after ms. */
  requeue(key: string, afterMs: number): void;
  log: Logger;
}

/** How soon after a failed pull the pod is synced again, to show ImagePullBackOff. */
const SHOW_BACKOFF_AFTER_MS = 1000;

/**
 * Applies computePodActions' plan for one pod through the host, then reports
 * computePodStatus through UpdateStatus when it changed. Deletion runs in the background
 * (drain delay and grace period must not hold a worker).
 */
export class PodSyncer {
  /** pod key → uid of every pod this syncer has handled, to clean up after a forced delete. */
  private readonly known = new Map<string, string>();
  private readonly terminating = new Map<string, Promise<void>>();

  constructor(private readonly d: PodSyncerDeps) {}

  /** Syncs the pod stored under `key` (undefined: it is gone from the API). */
  async sync(key: string, pod: Pod | undefined): Promise<void> {
    const uid = pod?.metadata?.uid;
    const knownUid = this.known.get(key);
    if (knownUid && knownUid !== uid) await this.forget(key, knownUid);
    if (!pod || !uid) return;
    // Below debug only termination logs (with its own child): a child logger per sync cost hollow
    // nodes more than the rest of the sync.
    const log = this.d.log.isLevelEnabled('debug') ? this.d.log.child({ pod: key, uid }) : this.d.log;
    // The first sync of a pod marks when the watch (or NATS) delivered it (bench/startup).
    if (knownUid !== uid) log.debug({ stage: 'first-sync' }, 'stage timing');
    this.known.set(key, uid);
    if (this.terminating.has(uid)) return;
    const now = this.d.clock.now();
    let memory: PodMemory = (await this.d.memory.load(uid)) ?? { containers: {}, startedAt: now };
    const observed = await this.observe(pod);
    const plan = computePodActions(pod, observed, now, memory, this.d.backoff);
    const waiting: Record<string, WaitingReason> = { ...plan.waiting };
    const failedPull = new Set<string>();
    let sandbox: Promise<unknown> | undefined;
    for (const action of plan.actions) {
      switch (action.type) {
        case 'terminatePod':
          this.startTermination(key, pod, observed, memory, this.d.log.child({ pod: key, uid }));
          return;
        case 'createSandbox':
          // The network comes up while images are checked and containers created; each
          // container starts only once it is up, and its failure fails this sync below.
          sandbox = this.d.host.createSandbox(pod);
          sandbox.catch(() => undefined);
          break;
        case 'pullImage':
          memory = await this.pull(pod, action.container, action.image, memory, waiting, failedPull);
          break;
        case 'startContainer': {
          if (failedPull.has(action.container)) break;
          const c = pod.spec!.containers[action.index];
          // The digest the pull resolved to runs, so a tag moved meanwhile changes nothing.
          await this.d.host.startContainer(pod, action.index, memory.containers[c.name]?.imageId || imageToRun(pod, c), sandbox);
          memory.containers[c.name] = afterStart(memory.containers[c.name] ?? { restartCount: 0 }, observed.containers[c.name], action.restart);
          this.d.events.record('pods', pod, 'Normal', 'Started', `Started container ${c.name}`);
          break;
        }
        case 'killContainer':
          this.d.events.record('pods', pod, 'Normal', 'Killing', `Container ${action.container} failed liveness probe, will be restarted`);
          await this.d.host.killContainer(pod, action.container);
          break;
      }
    }
    await this.d.memory.save(uid, memory);
    await sandbox;
    const after = plan.actions.length ? await this.observe(pod) : observed;
    await this.report(pod, after, memory, waiting, log);
    if (failedPull.size) this.d.requeue(key, SHOW_BACKOFF_AFTER_MS);
    if (plan.requeueAfterMs !== undefined) this.d.requeue(key, plan.requeueAfterMs);
    // A liveness kill shows up as an exit: look again soon so the restart follows at once.
    if (plan.actions.some((a) => a.type === 'killContainer')) this.d.requeue(key, 200);
  }

  /** Uids this syncer is still terminating (tests and shutdown). */
  get terminatingCount(): number {
    return this.terminating.size;
  }

  private async observe(pod: Pod): Promise<PodObservation> {
    const base = await this.d.host.observe(pod);
    return { ...base, probes: this.d.probes.views(pod, base.containers) };
  }

  private async pull(pod: Pod, container: string, image: string, memory: PodMemory, waiting: Record<string, WaitingReason>, failed: Set<string>): Promise<PodMemory> {
    const mem = memory.containers[container] ?? { restartCount: 0 };
    const started = this.d.clock.now();
    this.d.events.record('pods', pod, 'Normal', 'Pulling', `Pulling image "${image}"`);
    try {
      const pulled = await this.d.host.pullImage(pod, image);
      const secs = ((this.d.clock.now() - started) / 1000).toFixed(3);
      this.d.events.record('pods', pod, 'Normal', 'Pulled', `Successfully pulled image "${image}" (${pulled.bytes} bytes) in ${secs}s`);
      memory.containers[container] = afterPull(mem, pulled.imageId);
    } catch (err) {
      if (!(err instanceof ImagePullError)) throw err;
      this.d.events.record('pods', pod, 'Warning', 'Failed', `Failed to pull image "${image}": ${err.message}`);
      waiting[container] = { reason: 'ErrImagePull', message: err.message };
      failed.add(container);
      memory.containers[container] = afterPullFailure(mem, err.message, this.d.clock.now(), this.d.backoff);
    }
    return memory;
  }

  private async report(pod: Pod, observed: PodObservation, memory: PodMemory, waiting: Record<string, WaitingReason>, log: Logger): Promise<PodStatus> {
    const status = computePodStatus({ pod, observed, memory, waiting, now: this.d.clock.now(), hostIp: this.d.hostIp });
    if (sameStatus(pod.status, status)) return status;
    try {
      // No resourceVersion: the agent owns these fields and conditions merge by type.
      const t0 = performance.now();
      const written = await this.d.writeStatus({ metadata: { ...pod.metadata!, resourceVersion: '' }, spec: pod.spec, status });
      log.debug({ stage: 'status-write', ms: performance.now() - t0, phase: status.phase }, 'stage timing');
      pod.status = written.status;
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
      log.debug('pod vanished before its status was written');
    }
    return status;
  }

  private startTermination(key: string, pod: Pod, observed: PodObservation, memory: PodMemory, log: Logger): void {
    const uid = pod.metadata!.uid;
    const done = this.terminate(pod, observed, memory, log)
      .catch((err: unknown) => {
        log.warn({ err: errorMessage(err) }, 'terminating pod failed; will retry');
        this.d.requeue(key, 1000);
      })
      .finally(() => this.terminating.delete(uid));
    this.terminating.set(uid, done);
  }

  private async terminate(pod: Pod, observed: PodObservation, memory: PodMemory, log: Logger): Promise<void> {
    const meta = pod.metadata!;
    const running = Object.values(observed.containers).some((c) => c?.state === 'running');
    await this.report(pod, observed, memory, {}, log);
    if (running) await sleep(this.d.clock, this.d.drainDelayMs);
    const grace = meta.deletionGracePeriodSeconds || Number(pod.spec?.terminationGracePeriodSeconds) || 30;
    await this.d.host.stopPod(meta.uid, grace);
    await this.cleanup(meta.uid);
    try {
      await this.d.client.delete('pods', meta.namespace, meta.name, { force: true, gracePeriodSeconds: 0, preconditionUid: meta.uid });
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
    }
    this.known.delete(objectKey(meta));
    log.info('pod stopped and removed');
  }

  private async forget(key: string, uid: string): Promise<void> {
    await this.terminating.get(uid);
    await this.d.host.stopPod(uid, 0);
    await this.cleanup(uid);
    this.known.delete(key);
  }

  private async cleanup(uid: string): Promise<void> {
    this.d.probes.forget(uid);
    await this.d.host.cleanupPod(uid);
    await this.d.memory.remove(uid);
  }
}

function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise<void>((r) => clock.setTimeout(() => r(), ms));
}

/**
 * Whether writing `mine` would change the stored status: compares the fields the agent owns
 * and its conditions by type (others, like PodScheduled, belong to other writers).
 */
export function sameStatus(stored: PodStatus | undefined, mine: PodStatus): boolean {
  if (!stored) return false;
  const owned = (s: PodStatus) => JSON.stringify([s.phase, s.podIp, s.hostIp, s.startTime, s.containerStatuses]);
  if (owned(stored) !== owned(mine)) return false;
  return mine.conditions.every((c) => {
    const old = stored.conditions.find((o) => o.type === c.type);
    return !!old && old.status === c.status && old.reason === c.reason;
  });
}
