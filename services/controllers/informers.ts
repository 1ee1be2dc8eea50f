import type { NatsConnection } from 'nats';
import { SYSTEM_NAMESPACE, objectKey, type ApiClient } from '../../lib/api';
import { Informer, StringInterner, byControllerUid, type Clock } from '../../lib/controller';
import type { Logger } from '../../lib/log';
import { controllerLeaseView, controllerNodeView, type ControllerLease, type ControllerNode } from './node-view';
import { controllerPodView, type ControllerPod } from './pod-view';

export const BY_CONTROLLER = 'controller';

/** One informer per kind for the whole controller-manager (STYLE.md 3); controllers only add handlers. */
export class SharedInformers {
  readonly pods: Informer<'pods', ControllerPod>;
  readonly replicaSets: Informer<'replicasets'>;
  readonly deployments: Informer<'deployments'>;
  readonly nodes: Informer<'nodes', ControllerNode>;
  readonly leases: Informer<'leases', ControllerLease>;

  constructor(client: ApiClient, opts: { nats?: NatsConnection; log: Logger; clock?: Clock }) {
    const base = { nats: opts.nats, log: opts.log, clock: opts.clock };
    const strings = new StringInterner();
    this.pods = new Informer(client, 'pods', { ...base, transform: (p) => controllerPodView(p, strings, this.pods.store.get(objectKey(p.metadata ?? { namespace: '', name: '' }))), indexers: { [BY_CONTROLLER]: byControllerUid } });
    this.replicaSets = new Informer(client, 'replicasets', { ...base, indexers: { [BY_CONTROLLER]: byControllerUid } });
    this.deployments = new Informer(client, 'deployments', base);
    this.nodes = new Informer(client, 'nodes', { ...base, transform: (n) => controllerNodeView(n, strings) });
    this.leases = new Informer(client, 'leases', { ...base, namespace: SYSTEM_NAMESPACE, transform: (l) => controllerLeaseView(l, strings) });
  }

  private all(): { start(): void; stop(): void; waitForSync(): Promise<void> }[] {
    return [this.pods, this.replicaSets, this.deployments, this.nodes, this.leases];
  }

  start(): void {
    for (const i of this.all()) i.start();
  }

  stop(): void {
    for (const i of this.all()) i.stop();
  }

  async waitForSync(): Promise<void> {
    await Promise.all(this.all().map((i) => i.waitForSync()));
  }
}
