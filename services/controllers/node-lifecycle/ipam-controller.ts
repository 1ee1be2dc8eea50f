import { Node, type ApiClient } from '../../../lib/api';
import { WorkQueue, runWorkers } from '../../../lib/controller';
import { ConflictError, NotFoundError } from '../../../lib/errors';
import type { Logger } from '../../../lib/log';
import type { SharedInformers } from '../informers';
import type { ControllerNode } from '../node-view';
import { allocateCidrs } from './ipam';

const ALL = 'all';

/** Gives every node a podCIDR from --cluster-cidr (spec.podCidr, written with CAS). */
export class IpamController {
  readonly queue = new WorkQueue('ipam');
  /** Assignments written but maybe not yet seen by the informer: never hand them out again. */
  private readonly pending = new Map<string, string>();
  private readonly log: Logger;

  constructor(
    private readonly informers: SharedInformers,
    private readonly writer: ApiClient,
    private readonly clusterCidr: string,
    log: Logger,
  ) {
    this.log = log.child({ controller: 'ipam' });
    const check = (n: ControllerNode): void => {
      if (!n.spec?.podCidr) this.queue.add(ALL);
    };
    informers.nodes.addEventHandler({ onAdd: check, onUpdate: (_o, n) => check(n), onDelete: (n) => this.pending.delete(n.metadata?.name ?? '') });
  }

  run(): Promise<void> {
    this.queue.add(ALL);
    return runWorkers(this.queue, 1, () => this.sync(), this.log);
  }

  private async sync(): Promise<void> {
    const nodes = this.informers.nodes.store.list();
    for (const n of nodes) if (n.spec?.podCidr) this.pending.delete(n.metadata?.name ?? '');
    const view = nodes.map((n) => ({ name: n.metadata?.name ?? '', podCidr: n.spec?.podCidr || this.pending.get(n.metadata?.name ?? '') || '' }));
    const assign = allocateCidrs(this.clusterCidr, view);
    let retry = false;
    for (const n of nodes) {
      const cidr = assign.get(n.metadata?.name ?? '');
      if (!cidr) continue;
      try {
        // The cache holds no status: an Update keeps the stored one.
        await this.writer.update('nodes', Node.fromPartial({ metadata: n.metadata, spec: { ...n.spec, podCidr: cidr } }));
        this.pending.set(n.metadata?.name ?? '', cidr);
        this.log.info({ node: n.metadata?.name, podCidr: cidr }, 'assigned pod CIDR');
      } catch (err) {
        if (err instanceof ConflictError) retry = true;
        else if (!(err instanceof NotFoundError)) throw err;
      }
    }
    if (retry) this.queue.addAfter(ALL, 100);
  }
}
