import type { NatsConnection } from 'nats';
import type { ApiClient } from '../../lib/api';
import { EventRecorder, realClock, type Clock } from '../../lib/controller';
import type { Logger } from '../../lib/log';
import { DeploymentController, type ImageResolver } from './deployment/controller';
import { GarbageCollector } from './gc/controller';
import { SharedInformers } from './informers';
import { NodeLifecycleController, type NodeLifecycleOptions } from './node-lifecycle/controller';
import { IpamController } from './node-lifecycle/ipam-controller';
import { ReplicaSetController } from './replicaset/controller';

export interface ControllerManagerOptions extends NodeLifecycleOptions {
  client: ApiClient;
  writer: ApiClient;
  nats?: NatsConnection;
  log: Logger;
  clusterCidr: string;
  resolve: ImageResolver;
  workers?: number;
  clock?: Clock;
}

/**
 * All controllers of one process over one set of shared informers. `start()` warms the caches
 * (a standby keeps them too); `run(signal)` runs every controller until leadership is lost.
 */
export class ControllerManager {
  readonly informers: SharedInformers;
  private readonly events: EventRecorder;
  private readonly replicaSets: ReplicaSetController;
  private readonly deployments: DeploymentController;
  private readonly nodes: NodeLifecycleController;
  private readonly ipam: IpamController;
  private readonly gc: GarbageCollector;

  constructor(private readonly opts: ControllerManagerOptions) {
    const clock = opts.clock ?? realClock;
    const log = opts.log.child({ component: 'controller-manager' });
    this.informers = new SharedInformers(opts.client, { nats: opts.nats, log, clock });
    this.events = new EventRecorder(opts.writer, 'berth-controller-manager', log, clock);
    this.replicaSets = new ReplicaSetController(this.informers, opts.writer, log, clock);
    this.deployments = new DeploymentController(this.informers, opts.writer, opts.resolve, this.events, log, clock);
    this.nodes = new NodeLifecycleController(this.informers, opts.writer, this.events, opts, log, clock);
    this.ipam = new IpamController(this.informers, opts.writer, opts.clusterCidr, log);
    this.gc = new GarbageCollector(this.informers, opts.writer, log);
  }

  start(): void {
    this.informers.start();
  }

  /** Drops this instance (leadership lost or shutting down): informers closed, queues shut. */
  stop(): void {
    this.informers.stop();
    for (const q of [this.replicaSets.queue, this.deployments.queue, this.nodes.queue, this.ipam.queue, this.gc.queue]) q.shutDown();
  }

  async run(signal: AbortSignal): Promise<void> {
    await this.informers.waitForSync();
    const queues = [this.replicaSets.queue, this.deployments.queue, this.nodes.queue, this.ipam.queue, this.gc.queue];
    signal.addEventListener('abort', () => queues.forEach((q) => q.shutDown()), { once: true });
    const n = this.opts.workers ?? 4;
    await Promise.all([this.replicaSets.run(n), this.deployments.run(n), this.nodes.run(), this.ipam.run(), this.gc.run()]);
    await this.events.flush();
  }
}
