import type { NatsConnection } from 'nats';
import { SYSTEM_NAMESPACE, type ApiClient } from '../../lib/api';
import { Informer, StringInterner, byControllerUid, type Clock } from '../../lib/controller';
import type { Logger } from '../../lib/log';
import { controllerPodView, type ControllerPod } from './pod-view';

export const BY_CONTROLLER = 'controller';
export const BY_NODE = 'node';

/** One informer per kind for the whole controller-manager (STYLE.md 3); controllers only add handlers. */
export class SharedInformers {
  readonly pods: Informer<'pods', ControllerPod>;
  readonly replicaSets: Informer<'replicasets'>;
  readonly deployments: Informer<'deployments'>;
  readonly nodes: Informer<'nodes'>;
  readonly leases: Informer<'leases'>;

  constructor(client: ApiClient, opts: { nats?: NatsConnection; log: Logger; clock?: Clock }) {
    const base = { nats: opts.nats, log: opts.log, clock: opts.clock };
    const strings = new StringInterner();
    this.pods = new Informer(client, 'pods', { ...base, transform: (p) => controllerPodView(p, strings), indexers: { [BY_CONTROLLER]: byControllerUid, [BY_NODE]: (p) => (p.spec?.nodeName ? [p.spec.nodeName] : []) } });
    this.replicaSets = new Informer(client, 'replicasets', { ...base, indexers: { [BY_CONTROLLER]: byControllerUid } });
    this.deployments = new Informer(client, 'deployments', base);
    this.nodes = new Informer(client, 'nodes', base);
    this.leases = new Informer(client, 'leases', { ...base, namespace: SYSTEM_NAMESPACE });
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
