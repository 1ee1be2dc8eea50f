import { Pod, objectKey, type ApiClient, type ReplicaSet } from '../../../lib/api';
import { StatusPacer, WorkQueue, controllerRef, runWorkers, realClock, type Clock } from '../../../lib/controller';
import { AlreadyExistsError, NotFoundError, errorMessage } from '../../../lib/errors';
import type { Logger } from '../../../lib/log';
import { IMAGE_DIGESTS_ANNOTATION } from '../../../lib/rollout';
import { BY_CONTROLLER, type SharedInformers } from '../informers';
import type { ControllerPod } from '../pod-view';
import { Expectations } from './expectations';
import { planReplicaSet, slowStartBatches } from './plan';
import { podChangeMatters } from './pod-state';

/** A pod for a ReplicaSet: its template, generated name `<rs>-`, the RS as controlling owner, the revision's digests. */
export function podFromTemplate(rs: ReplicaSet): Pod {
  const t = rs.spec?.template;
  const digests = rs.metadata?.annotations?.[IMAGE_DIGESTS_ANNOTATION];
  return Pod.fromPartial({
    metadata: {
      generateName: `${rs.metadata?.name}-`,
      namespace: rs.metadata?.namespace,
      labels: { ...(t?.metadata?.labels ?? {}) },
      annotations: { ...(t?.metadata?.annotations ?? {}), ...(digests ? { [IMAGE_DIGESTS_ANNOTATION]: digests } : {}) },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs.metadata?.name ?? '', uid: rs.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true }],
    },
    spec: t?.spec,
  });
}

/** Keeps N pods per ReplicaSet (compute with planReplicaSet, apply here). */
export class ReplicaSetController {
  readonly queue: WorkQueue;
  private readonly expectations: Expectations;
  private readonly statusPacer: StatusPacer;
  private readonly log: Logger;

  constructor(
    private readonly informers: SharedInformers,
    private readonly writer: ApiClient,
    log: Logger,
    private readonly clock: Clock = realClock,
    /** At most one status write per ReplicaSet per this interval (pod events come in bursts). */
    statusIntervalMs = 1000,
  ) {
    this.log = log.child({ controller: 'replicaset' });
    this.queue = new WorkQueue('replicaset', undefined, clock);
    this.expectations = new Expectations(5 * 60_000, clock);
    this.statusPacer = new StatusPacer(statusIntervalMs, clock);
    const enqueueRs = (rs: ReplicaSet): void => this.queue.add(objectKey(rs.metadata ?? { namespace: '', name: '' }));
    informers.replicaSets.addEventHandler({ onAdd: enqueueRs, onUpdate: (_o, n) => enqueueRs(n), onDelete: enqueueRs });
    informers.pods.addEventHandler({
      onAdd: (p) => {
        const key = this.ownerKey(p);
        if (!key) return;
        this.expectations.creationObserved(key);
        this.queue.add(key);
      },
      onUpdate: (o, p) => {
        if (!podChangeMatters(o, p)) return;
        const key = this.ownerKey(p);
        const oldKey = this.ownerKey(o);
        if (key) this.queue.add(key);
        if (oldKey && oldKey !== key) this.queue.add(oldKey);
      },
      onDelete: (p) => {
        const key = this.ownerKey(p);
        if (!key) return;
        this.expectations.deletionObserved(key, objectKey(p.metadata ?? { namespace: '', name: '' }));
        this.queue.add(key);
      },
    });
  }

  private ownerKey(p: ControllerPod): string | undefined {
    const ref = controllerRef(p.metadata);
    return ref?.kind === 'ReplicaSet' ? `${p.metadata?.namespace}/${ref.name}` : undefined;
  }

  run(workers: number): Promise<void> {
    return runWorkers(this.queue, workers, (k) => this.sync(k), this.log);
  }

  private async sync(key: string): Promise<void> {
    const rs = this.informers.replicaSets.store.get(key);
    if (!rs) {
      this.expectations.forget(key);
      this.statusPacer.forget(key);
      return;
    }
    const pods = this.informers.pods.store.byIndex(BY_CONTROLLER, rs.metadata?.uid ?? '');
    const plan = planReplicaSet(rs, pods, this.expectations.satisfied(key), this.clock.now());
    if (plan.create || plan.delete.length) {
      this.expectations.expect(
        key,
        plan.create,
        plan.delete.map((p) => objectKey(p.metadata ?? { namespace: '', name: '' })),
      );
    }
    let failure: unknown;
    if (plan.create) failure = await this.createPods(key, rs, plan.create);
    await Promise.all(
      plan.delete.map(async (p) => {
        try {
          await this.writer.delete('pods', p.metadata?.namespace ?? '', p.metadata?.name ?? '', { preconditionUid: p.metadata?.uid });
        } catch (err) {
          this.expectations.deletionObserved(key, objectKey(p.metadata ?? { namespace: '', name: '' }));
          if (!(err instanceof NotFoundError)) failure ??= err;
        }
      }),
    );
    const s = rs.status;
    const st = plan.status;
    const changed = !s || s.replicas !== st.replicas || s.readyReplicas !== st.readyReplicas || s.availableReplicas !== st.availableReplicas || s.observedGeneration !== st.observedGeneration || s.fullyLabeledReplicas !== st.fullyLabeledReplicas;
    const wait = changed ? this.statusPacer.delay(key) : 0;
    if (wait > 0) this.queue.addAfter(key, wait);
    else if (changed) {
      try {
        await this.writer.updateStatus('replicasets', { ...rs, status: st });
        this.statusPacer.wrote(key);
      } catch (err) {
        if (!(err instanceof NotFoundError)) failure ??= err;
      }
    }
    if (plan.requeueAfterMs !== undefined) this.queue.addAfter(key, plan.requeueAfterMs);
    if (failure) throw failure;
  }

  /**
   * One CreateMany call per slow-start batch. Returns the first error; creations that failed or
   * were never attempted are un-expected.
   */
  private async createPods(key: string, rs: ReplicaSet, n: number): Promise<unknown> {
    const pod = podFromTemplate(rs);
    let left = n;
    for (const batch of slowStartBatches(n)) {
      left -= batch;
      let failed: unknown[];
      try {
        const results = await this.writer.createMany('pods', Array.from({ length: batch }, () => pod));
        failed = results.filter((r): r is Error => r instanceof Error && !(r instanceof AlreadyExistsError));
      } catch (err) {
        failed = Array.from({ length: batch }, () => err);
      }
      for (let i = 0; i < failed.length; i++) this.expectations.creationFailed(key);
      if (failed.length) {
        for (let i = 0; i < left; i++) this.expectations.creationFailed(key);
        this.log.warn({ key, err: errorMessage(failed[0]), failed: failed.length }, 'creating pods failed');
        return failed[0];
      }
    }
    return undefined;
  }
}
