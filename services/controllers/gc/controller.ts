import { KINDS, kindByManifestKind, type AnyObject, type ApiClient, type KindName } from '../../../lib/api';
import { WorkQueue, runWorkers } from '../../../lib/controller';
import { ConflictError, NotFoundError, errorMessage } from '../../../lib/errors';
import type { Logger } from '../../../lib/log';
import type { SharedInformers } from '../informers';
import { planGc, type GcObject } from './plan';

const ALL = 'all';
const TRACKED: KindName[] = ['deployments', 'replicasets', 'pods'];

/**
 * Garbage collection by ownerReferences over Deployments, ReplicaSets and Pods. Passes are
 * debounced (one pass per `debounceMs` at most); a dependent is deleted only after a live read
 * confirms its owner is really gone (the cache may not have seen a fresh owner yet).
 */
export class GarbageCollector {
  readonly queue = new WorkQueue('gc');
  private readonly log: Logger;

  constructor(
    private readonly informers: SharedInformers,
    private readonly writer: ApiClient,
    log: Logger,
    private readonly debounceMs = 200,
  ) {
    this.log = log.child({ controller: 'gc' });
    const poke = (): void => this.queue.addAfter(ALL, this.debounceMs);
    const h = { onAdd: poke, onUpdate: poke, onDelete: poke };
    informers.deployments.addEventHandler(h);
    informers.replicaSets.addEventHandler(h);
    informers.pods.addEventHandler(h);
  }

  run(): Promise<void> {
    this.queue.add(ALL);
    return runWorkers(this.queue, 1, () => this.sync(), this.log);
  }

  private objects(): GcObject[] {
    const out: GcObject[] = [];
    const add = (kind: KindName, list: AnyObject[]): void => {
      for (const o of list) if (o.metadata) out.push({ ref: `${kind}/${o.metadata.namespace}/${o.metadata.name}`, kind: KINDS[kind].kind, meta: o.metadata });
    };
    add('deployments', this.informers.deployments.store.list());
    add('replicasets', this.informers.replicaSets.store.list());
    add('pods', this.informers.pods.store.list());
    return out;
  }

  private async sync(): Promise<void> {
    const plan = planGc(this.objects());
    const errors: unknown[] = [];
    const attempt = async (fn: () => Promise<unknown>): Promise<void> => {
      try {
        await fn();
      } catch (err) {
        if (!(err instanceof NotFoundError) && !(err instanceof ConflictError)) errors.push(err);
      }
    };
    for (const o of plan.deleteOrphaned) await attempt(() => this.deleteIfOwnersGone(o));
    for (const o of plan.deleteForeground) await attempt(() => this.writer.delete(pluralOf(o), o.meta.namespace, o.meta.name, { propagationPolicy: 'Foreground', preconditionUid: o.meta.uid }));
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
    this.log.info({ object: o.ref }, 'deleting object whose owner is gone');
    await this.writer.delete(pluralOf(o), o.meta.namespace, o.meta.name, { propagationPolicy: 'Background', preconditionUid: o.meta.uid });
  }

  private async update(o: GcObject, change: (m: GcObject['meta']) => GcObject['meta']): Promise<void> {
    const kind = pluralOf(o);
    const fresh = await this.writer.get(kind, o.meta.namespace, o.meta.name);
    if (!fresh.metadata || fresh.metadata.uid !== o.meta.uid) return;
    await this.writer.update(kind, { ...fresh, metadata: change(fresh.metadata) } as never);
  }
}

function pluralOf(o: GcObject): KindName {
  const k = kindByManifestKind(o.kind);
  if (!k) throw new Error(`unknown kind ${o.kind}`);
  return k.plural;
}
