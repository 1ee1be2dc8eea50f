import { ReplicaSet, objectKey, type ApiClient, type Deployment } from '../../../lib/api';
import { EventRecorder, StatusPacer, WorkQueue, controllerRef, getCondition, runWorkers, realClock, setCondition, type Clock } from '../../../lib/controller';
import { AlreadyExistsError, ConflictError, NotFoundError, errorMessage } from '../../../lib/errors';
import type { Logger } from '../../../lib/log';
import { CHANGE_CAUSE_ANNOTATION, IMAGE_DIGESTS_ANNOTATION, POD_TEMPLATE_HASH_LABEL, REVISION_ANNOTATION, previousRevision, revisionOf, revisionsOf, rollbackTemplate, sameTemplate, templateHash } from '../../../lib/rollout';
import { BY_CONTROLLER, type SharedInformers } from '../informers';
import type { ControllerPod } from '../pod-view';
import { availability, isActive, isReady, podChangeMatters } from '../replicaset/pod-state';
import { isCrashLooping } from './crash-loop';
import { recreateStep, resolveSurgeUnavailable, rollingStep, type RsState, type Scale } from './rolling';
import { computeStatus, madeProgress, progressDeadlineMs, statusEqual, type Counts } from './status';

export const AUTO_ROLLBACK_ANNOTATION = 'berth.dev/auto-rollback';

/** Tag → "repo@sha256:…" (the registry client in production; a stub in tests). */
export type ImageResolver = (image: string) => Promise<string>;

/**
 * Drives each Deployment toward its template: one ReplicaSet per template hash, rolled by the
 * pure rollingStep/recreateStep, status and conditions from computeStatus, old revisions pruned
 * to revisionHistoryLimit, and (opt-in) automatic rollback of a failed revision.
 */
export class DeploymentController {
  readonly queue: WorkQueue;
  private readonly statusPacer: StatusPacer;
  private readonly log: Logger;
  /**
   * Whether a ReplicaSet's template is its Deployment's, per cached object pair: cached objects
   * are replaced, never changed, and canonicalizing both templates on every sync was the
   * controller-manager's top cost at 30,000 pods.
   */
  private readonly templateMatches = new WeakMap<ReplicaSet, { d: Deployment; same: boolean }>();

  constructor(
    private readonly informers: SharedInformers,
    private readonly writer: ApiClient,
    private readonly resolve: ImageResolver,
    private readonly events: EventRecorder,
    log: Logger,
    private readonly clock: Clock = realClock,
    /** At most one status write per Deployment per this interval (pod events come in bursts). */
    statusIntervalMs = 1000,
  ) {
    this.log = log.child({ controller: 'deployment' });
    this.queue = new WorkQueue('deployment', undefined, clock);
    this.statusPacer = new StatusPacer(statusIntervalMs, clock);
    const enqueue = (d: Deployment): void => this.queue.add(objectKey(d.metadata ?? { namespace: '', name: '' }));
    informers.deployments.addEventHandler({ onAdd: enqueue, onUpdate: (_o, n) => enqueue(n), onDelete: enqueue });
    const byRs = (rs: ReplicaSet): void => this.enqueueOwner(rs.metadata?.namespace ?? '', controllerRef(rs.metadata));
    informers.replicaSets.addEventHandler({ onAdd: byRs, onUpdate: (_o, n) => byRs(n), onDelete: byRs });
    const byPod = (p: ControllerPod): void => {
      const ref = controllerRef(p.metadata);
      if (ref?.kind !== 'ReplicaSet') return;
      const rs = informers.replicaSets.store.get(`${p.metadata?.namespace}/${ref.name}`);
      if (rs) byRs(rs);
    };
    informers.pods.addEventHandler({ onAdd: byPod, onUpdate: (o, n) => podChangeMatters(o, n) && byPod(n), onDelete: byPod });
  }

  private enqueueOwner(namespace: string, ref: { kind: string; name: string } | undefined): void {
    if (ref?.kind === 'Deployment') this.queue.add(`${namespace}/${ref.name}`);
  }

  run(workers: number): Promise<void> {
    return runWorkers(this.queue, workers, (k) => this.sync(k), this.log);
  }

  private async sync(key: string): Promise<void> {
    const d = this.informers.deployments.store.get(key);
    if (!d || d.metadata?.deletionTimestamp) {
      this.statusPacer.forget(key);
      return;
    }
    const now = this.clock.now();
    const rss = this.informers.replicaSets.store.byIndex(BY_CONTROLLER, d.metadata?.uid ?? '').filter((rs) => !rs.metadata?.deletionTimestamp);
    let newRs = rss.find((rs) => this.hasTemplateOf(rs, d));
    const olds = rss.filter((rs) => rs !== newRs).sort((a, b) => revisionOf(a) - revisionOf(b));
    const maxOldRevision = olds.reduce((m, rs) => Math.max(m, revisionOf(rs)), 0);

    if (!newRs && !d.spec?.paused) newRs = await this.createReplicaSet(d, maxOldRevision + 1);
    else if (newRs && revisionOf(newRs) <= maxOldRevision) newRs = await this.bumpRevision(newRs, maxOldRevision + 1);

    const replicas = d.spec?.replicas ?? 1;
    const minReady = d.spec?.minReadySeconds ?? 0;
    const { maxSurge, maxUnavailable } = resolveSurgeUnavailable(replicas, d.spec?.strategy?.rollingUpdate?.maxSurge, d.spec?.strategy?.rollingUpdate?.maxUnavailable);
    let nextCheckMs: number | undefined;
    // One pass over each ReplicaSet's pods per sync (RsState plus the ready count).
    const states = new Map<ReplicaSet, RsState & { ready: number }>();
    const state = (rs: ReplicaSet): RsState & { ready: number } => {
      const known = states.get(rs);
      if (known) return known;
      let pods = 0;
      let available = 0;
      let ready = 0;
      for (const p of this.informers.pods.store.byIndex(BY_CONTROLLER, rs.metadata?.uid ?? '')) {
        if (!isActive(p)) continue;
        pods++;
        if (isReady(p)) ready++;
        const a = availability(p, minReady, now);
        if (a.available) available++;
        else if (a.inMs !== undefined) nextCheckMs = Math.min(nextCheckMs ?? Infinity, a.inMs);
      }
      const st = { name: rs.metadata?.name ?? '', replicas: rs.spec?.replicas ?? 0, pods, available, ready };
      states.set(rs, st);
      return st;
    };

    let scales: Scale[] = [];
    if (newRs && !d.spec?.paused) {
      const s = { replicas, maxSurge, maxUnavailable, newRs: state(newRs), oldRss: olds.map(state) };
      scales = d.spec?.strategy?.type === 'Recreate' ? recreateStep(s) : rollingStep(s);
    } else if (d.spec?.paused) {
      // Paused: no rollout, but a scale of a single active revision still applies.
      const active = rss.filter((rs) => (rs.spec?.replicas ?? 0) > 0);
      if (active.length === 1 && active[0].spec?.replicas !== replicas) scales = [{ name: active[0].metadata?.name ?? '', replicas }];
    }
    for (const sc of scales) await this.scale(rss.find((rs) => rs.metadata?.name === sc.name) ?? (newRs as ReplicaSet), sc.replicas);

    const all = newRs && !rss.includes(newRs) ? [...rss, newRs] : rss;
    const counts: Counts = { replicas: 0, updated: 0, ready: 0, available: 0, oldPods: 0 };
    for (const rs of all) {
      const st = state(rs);
      counts.replicas += st.pods;
      counts.available += st.available;
      counts.ready += st.ready;
      if (newRs && rs.metadata?.uid === newRs.metadata?.uid) counts.updated += st.pods;
      else counts.oldPods += st.pods;
    }
    const status = computeStatus(d, counts, maxUnavailable, scales.length > 0 || madeProgress(d.status, counts), now);
    await this.cleanup(d, olds);
    if (await this.maybeAutoRollback(d, status, newRs, olds, all)) return;
    if (!statusEqual(d.status, status)) {
      const wait = this.statusPacer.delay(key);
      if (wait > 0) nextCheckMs = Math.min(nextCheckMs ?? Infinity, wait);
      else {
        await this.writer.updateStatus('deployments', { ...d, status });
        this.statusPacer.wrote(key);
      }
    }
    const progressing = getCondition(status.conditions, 'Progressing');
    if (progressing?.reason === 'ReplicaSetUpdated') nextCheckMs = Math.min(nextCheckMs ?? Infinity, progressDeadlineMs(d) + 1000);
    if (nextCheckMs !== undefined) this.queue.addAfter(key, nextCheckMs);
  }

  private hasTemplateOf(rs: ReplicaSet, d: Deployment): boolean {
    const known = this.templateMatches.get(rs);
    if (known?.d === d) return known.same;
    const same = sameTemplate(rs.spec?.template, d.spec?.template);
    this.templateMatches.set(rs, { d, same });
    return same;
  }

  private async createReplicaSet(d: Deployment, revision: number): Promise<ReplicaSet> {
    const hash = templateHash(d.spec?.template, d.status?.collisionCount ?? 0);
    const digests: Record<string, string> = {};
    for (const c of d.spec?.template?.spec?.containers ?? []) {
      try {
        digests[c.name] = await this.resolve(c.image);
      } catch (err) {
        this.events.record('deployments', d, 'Warning', 'ImageResolveFailed', `resolving ${c.image} for container ${c.name}: ${errorMessage(err)}`);
        throw err;
      }
    }
    const t = d.spec?.template;
    const labels = { ...(t?.metadata?.labels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash };
    const cause = d.metadata?.annotations?.[CHANGE_CAUSE_ANNOTATION];
    const rs = ReplicaSet.fromPartial({
      metadata: {
        name: `${d.metadata?.name}-${hash}`,
        namespace: d.metadata?.namespace,
        labels,
        annotations: { [REVISION_ANNOTATION]: String(revision), [IMAGE_DIGESTS_ANNOTATION]: JSON.stringify(digests), ...(cause ? { [CHANGE_CAUSE_ANNOTATION]: cause } : {}) },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: d.metadata?.name ?? '', uid: d.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true }],
      },
      spec: {
        replicas: 0,
        minReadySeconds: d.spec?.minReadySeconds ?? 0,
        selector: { matchLabels: { ...(d.spec?.selector?.matchLabels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash }, matchExpressions: d.spec?.selector?.matchExpressions ?? [] },
        template: { metadata: { ...(t?.metadata ?? {}), labels }, spec: t?.spec },
      },
    });
    try {
      const created = await this.writer.create('replicasets', rs);
      this.events.record('deployments', d, 'Normal', 'ScalingReplicaSet', `Created new replica set "${created.metadata?.name}" (revision ${revision})`);
      return created;
    } catch (err) {
      if (!(err instanceof AlreadyExistsError)) throw err;
      const existing = await this.writer.get('replicasets', d.metadata?.namespace ?? '', rs.metadata?.name ?? '');
      if (sameTemplate(existing.spec?.template, t) && controllerRef(existing.metadata)?.uid === d.metadata?.uid) return existing;
      // A hash collision: a different template under our name. Bump collisionCount and retry.
      await this.writer.updateStatus('deployments', { ...d, status: { ...(d.status as NonNullable<Deployment['status']>), collisionCount: (d.status?.collisionCount ?? 0) + 1 } });
      throw new ConflictError(`replica set ${rs.metadata?.name} exists with another template`);
    }
  }

  private async bumpRevision(rs: ReplicaSet, revision: number): Promise<ReplicaSet> {
    return this.writer.update('replicasets', { ...rs, metadata: { ...(rs.metadata as NonNullable<ReplicaSet['metadata']>), annotations: { ...(rs.metadata?.annotations ?? {}), [REVISION_ANNOTATION]: String(revision) } } });
  }

  private async scale(rs: ReplicaSet, replicas: number): Promise<void> {
    if (rs.spec?.replicas === replicas) return;
    await this.writer.update('replicasets', { ...rs, spec: { ...(rs.spec as NonNullable<ReplicaSet['spec']>), replicas } });
    this.log.debug({ rs: rs.metadata?.name, from: rs.spec?.replicas, to: replicas }, 'scaled replica set');
  }

  /** Deletes the oldest zero-replica, pod-less old ReplicaSets beyond revisionHistoryLimit. */
  private async cleanup(d: Deployment, olds: ReplicaSet[]): Promise<void> {
    const limit = d.spec?.revisionHistoryLimit ?? 10;
    const idle = olds.filter((rs) => (rs.spec?.replicas ?? 0) === 0 && (rs.status?.replicas ?? 0) === 0 && this.informers.pods.store.byIndex(BY_CONTROLLER, rs.metadata?.uid ?? '').length === 0);
    for (const rs of idle.slice(0, Math.max(0, idle.length - limit))) {
      try {
        await this.writer.delete('replicasets', rs.metadata?.namespace ?? '', rs.metadata?.name ?? '', { preconditionUid: rs.metadata?.uid });
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err;
      }
    }
  }

  /**
   * With berth.dev/auto-rollback: "true", a revision that missed its progress deadline or whose
   * pods crash-loop is replaced by the previous revision's template (as `rollout undo` would).
   */
  private async maybeAutoRollback(d: Deployment, status: NonNullable<Deployment['status']>, newRs: ReplicaSet | undefined, olds: ReplicaSet[], all: ReplicaSet[]): Promise<boolean> {
    if (d.metadata?.annotations?.[AUTO_ROLLBACK_ANNOTATION] !== 'true' || !newRs || d.spec?.paused || olds.length === 0) return false;
    const deadline = getCondition(status.conditions, 'Progressing')?.reason === 'ProgressDeadlineExceeded';
    const crashing = !deadline && this.informers.pods.store.byIndex(BY_CONTROLLER, newRs.metadata?.uid ?? '').some(isCrashLooping);
    if (!deadline && !crashing) return false;
    const revs = revisionsOf(d, all);
    const current = revisionOf(newRs);
    const prev = previousRevision(revs, current);
    const template = prev && rollbackTemplate(prev);
    if (!prev || !template) return false;
    const reason = deadline ? 'ProgressDeadlineExceeded' : 'CrashLoop';
    const why = deadline ? `revision ${current} missed its progress deadline` : `pods of revision ${current} are crash-looping`;
    const message = `Rolled back to revision ${prev.revision}: ${why}`;
    const updated = await this.writer.update('deployments', { ...d, spec: { ...(d.spec as NonNullable<Deployment['spec']>), template } });
    const nowIso = new Date(this.clock.now()).toISOString();
    const conditions = setCondition(status.conditions, { type: 'RolledBack', status: 'True', reason, message }, nowIso);
    try {
      await this.writer.updateStatus('deployments', { ...updated, status: { ...status, conditions } });
    } catch (err) {
      this.log.warn({ deployment: d.metadata?.name, err: errorMessage(err) }, 'writing RolledBack condition failed');
    }
    this.events.record('deployments', d, 'Warning', 'RolledBack', message);
    this.log.warn({ deployment: d.metadata?.name, from: current, to: prev.revision, reason }, 'automatic rollback');
    return true;
  }
}
