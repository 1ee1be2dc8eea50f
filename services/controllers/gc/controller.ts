import { KINDS, kindByManifestKind, type ApiClient, type KindName, type ObjectMeta } from '../../../lib/api';
import { WorkQueue, runWorkers, type EventHandlers } from '../../../lib/controller';
import { ConflictError, NotFoundError, errorMessage } from '../../../lib/errors';
import type { Logger } from '../../../lib/log';
import type { SharedInformers } from '../informers';
import { OwnerGraph } from './owner-graph';
import { needsGc, planGcFor, type GcMeta, type GcObject } from './plan';

const TRACKED: KindName[] = ['deployments', 'replicasets', 'pods'];

/**
 * Garbage collection by ownerReferences over Deployments, ReplicaSets and Pods. Informer events
 * keep an OwnerGraph and queue the uids that may need work (an owner missing, a GC finalizer, a
 * dependent gone); each is judged from its neighbourhood only, so the cost follows the changes,
 * not the cluster's size. A dependent is deleted only after a live read confirms its owner is
 * really gone (the cache may not have seen a fresh owner yet).
 */
export class GarbageCollector {
  readonly queue = new WorkQueue('gc');
  private readonly graph = new OwnerGraph();
  private readonly log: Logger;

  constructor(
    informers: SharedInformers,
    private readonly writer: ApiClient,
    log: Logger,
  ) {
    this.log = log.child({ controller: 'gc' });
    informers.deployments.addEventHandler(this.handlers('deployments'));
    informers.replicaSets.addEventHandler(this.handlers('replicasets'));
    informers.pods.addEventHandler(this.handlers('pods'));
  }

  run(): Promise<void> {
    return runWorkers(this.queue, 2, (uid) => this.sync(uid), this.log);
  }

  private handlers(kind: KindName): EventHandlers<{ metadata?: GcMeta }> {
    const upsert = (obj: { metadata?: GcMeta }): void => {
      const o = gcObject(kind, obj);
      if (!o) return;
      // An owner no longer referenced may be waiting for its last dependent to let go (orphan).
      for (const u of this.graph.upsert(o)) this.queue.add(u);
      if (needsGc(o, (r) => this.graph.get(r.uid)?.kind === r.kind)) this.queue.add(o.meta.uid);
      // A new object may be the owner its dependents were missing: nothing to do, they stay.
    };
    return {
      onAdd: upsert,
      onUpdate: (_old, obj) => upsert(obj),
      onDelete: (obj) => {
        const gone = this.graph.remove(obj.metadata?.uid ?? '');
        if (!gone) return;
        // Its owners may now have no dependents left (finalizer), its dependents no owner left.
        for (const r of gone.meta.ownerReferences ?? []) this.queue.add(r.uid);
        for (const d of this.graph.dependentsOf(gone.meta.uid)) this.queue.add(d.meta.uid);
      },
    };
  }

  private async sync(uid: string): Promise<void> {
    const plan = planGcFor(uid, this.graph.neighbourhood(uid));
    const errors: unknown[] = [];
    const attempt = async (fn: () => Promise<unknown>): Promise<void> => {
      try {
        await fn();
      } catch (err) {
        if (!(err instanceof NotFoundError) && !(err instanceof ConflictError)) errors.push(err);
      }
    };
    for (const o of plan.deleteOrphaned) await attempt(() => this.deleteIfOwnersGone(o));
    for (const o of plan.deleteForeground) await attempt(() => this.writer.delete(o.plural, o.meta.namespace, o.meta.name, { propagationPolicy: 'Foreground', preconditionUid: o.meta.uid }));
    for (const { obj, ownerUids } of plan.orphan) await attempt(() => this.update(obj, (m) => ({ ...m, ownerReferences: m.ownerReferences.filter((r) => !ownerUids.includes(r.uid)) })));
    for (const { obj, finalizer } of plan.removeFinalizer) await attempt(() => this.update(obj, (m) => ({ ...m, finalizers: m.finalizers.filter((f) => f !== finalizer) })));
    if (errors.length) throw new Error(`gc: ${errors.length} operations failed, first: ${errorMessage(errors[0])}`);
  }

  private async deleteIfOwnersGone(o: GcObject): Promise<void> {
    for (const ref of o.meta.ownerReferences) {
      const kind = kindByManifestKind(ref.kind)?.plural;
      if (!kind || !TRACKED.includes(kind)) return;
      try {
        const owner = await this.writer.get(kind, KINDS[kind].namespaced ? o.meta.namespace : '', ref.name);
        if (owner.metadata?.uid === ref.uid) return;
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err;
      }
    }
    this.log.info({ object: `${o.plural}/${o.meta.namespace}/${o.meta.name}` }, 'deleting object whose owner is gone');
    await this.writer.delete(o.plural, o.meta.namespace, o.meta.name, { propagationPolicy: 'Background', preconditionUid: o.meta.uid });
  }

  private async update(o: GcObject, change: (m: ObjectMeta) => ObjectMeta): Promise<void> {
    const kind = o.plural;
    const fresh = await this.writer.get(kind, o.meta.namespace, o.meta.name);
    if (!fresh.metadata || fresh.metadata.uid !== o.meta.uid) return;
    await this.writer.update(kind, { ...fresh, metadata: change(fresh.metadata) } as never);
  }
}

function gcObject(kind: KindName, obj: { metadata?: GcMeta }): GcObject | undefined {
  const meta = obj.metadata;
  if (!meta?.uid) return undefined;
  return { plural: kind, kind: KINDS[kind].kind, meta };
}
