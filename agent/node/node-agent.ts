import { Lease, Node, type ApiClient, type ContainerImage } from '../../lib/api';
import type { Clock } from '../../lib/controller';
import { ConflictError, NotFoundError, errorMessage } from '../../lib/errors';
import type { Logger } from '../../lib/log';
import { labelsNeedUpdate, nodeStatusDiffers, nodeStatusFor, registrationNode, type NodeIdentity } from './node-registration';

export const LEASE_NAMESPACE = 'berth-system';

export interface NodeAgentOptions {
  client: ApiClient;
  identity: NodeIdentity;
  /** The Node as last seen by the process's node informer (undefined before it arrives). */
  cachedNode: () => Node | undefined;
  images: () => ContainerImage[];
  leaseDurationSeconds: number;
  renewIntervalMs: number;
  clock: Clock;
  log: Logger;
  /** Sends a Lease renewal (default: one Update call); a LeaseBatcher shares calls across the process's nodes. */
  renewLease?: (lease: Lease) => Promise<Lease>;
}

/**
 * One node's presence in the API: registers the Node (read-modify-write with CAS retries,
 * never touching spec or users' labels), renews the Lease berth-system/<node> as its
 * heartbeat every renewIntervalMs ± 20 % jitter, and writes Node status only when it differs
 * from what the informer shows (which also undoes a Ready=Unknown after a partition).
 */
export class NodeAgent {
  private lease: Lease | undefined;
  private timer: unknown;
  private stopped = false;

  constructor(private readonly o: NodeAgentOptions) {}

  get name(): string {
    return this.o.identity.name;
  }

  async register(): Promise<Node> {
    for (let attempt = 0; ; attempt++) {
      try {
        let node: Node;
        try {
          node = await this.o.client.get('nodes', '', this.name);
        } catch (err) {
          if (!(err instanceof NotFoundError)) throw err;
          node = await this.o.client.create('nodes', registrationNode(undefined, this.o.identity));
        }
        if (labelsNeedUpdate(node, this.o.identity)) node = await this.o.client.update('nodes', registrationNode(node, this.o.identity));
        return await this.writeStatus(node);
      } catch (err) {
        if (!(err instanceof ConflictError) || attempt >= 10) throw err;
      }
    }
  }

  /** Resolves with node.spec.podCidr once the controller-manager's IPAM has set it. */
  async waitForPodCidr(pollMs = 500): Promise<string> {
    for (;;) {
      const cidr = this.o.cachedNode()?.spec?.podCidr || (await this.o.client.get('nodes', '', this.name)).spec?.podCidr;
      if (cidr) return cidr;
      if (this.stopped) throw new Error('stopped');
      await new Promise<void>((r) => this.o.clock.setTimeout(() => r(), pollMs));
    }
  }

  start(): void {
    const tick = (): void => {
      if (this.stopped) return;
      void this.heartbeat().finally(() => {
        if (this.stopped) return;
        const jitter = 0.8 + Math.random() * 0.4;
        this.timer = this.o.clock.setTimeout(tick, this.o.renewIntervalMs * jitter);
      });
    };
    tick();
  }

  stop(): void {
    this.stopped = true;
    this.o.clock.clearTimeout(this.timer);
  }

  /** Renews the lease and writes status if it changed. Failures are logged; the next beat retries. */
  async heartbeat(): Promise<void> {
    try {
      await this.renewLease();
      const node = this.o.cachedNode();
      if (node) await this.writeStatus(node);
    } catch (err) {
      this.o.log.warn({ node: this.name, err: errorMessage(err) }, 'heartbeat failed');
    }
  }

  private async writeStatus(node: Node): Promise<Node> {
    const now = new Date(this.o.clock.now()).toISOString();
    const status = nodeStatusFor(node.status, this.o.identity, { ready: true, images: this.o.images(), now });
    if (!nodeStatusDiffers(node.status, status)) return node;
    return this.o.client.updateStatus('nodes', Node.fromPartial({ metadata: { name: this.name }, status }));
  }

  private async renewLease(): Promise<void> {
    const now = new Date(this.o.clock.now()).toISOString();
    if (!this.lease) {
      try {
        this.lease = await this.o.client.get('leases', LEASE_NAMESPACE, this.name);
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err;
        this.lease = await this.o.client.create(
          'leases',
          Lease.fromPartial({
            metadata: { name: this.name, namespace: LEASE_NAMESPACE },
            spec: { holderIdentity: this.name, leaseDurationSeconds: this.o.leaseDurationSeconds, acquireTime: now, renewTime: now },
          }),
        );
        return;
      }
    }
    const next = Lease.fromPartial({ ...this.lease, spec: { ...this.lease.spec, holderIdentity: this.name, leaseDurationSeconds: this.o.leaseDurationSeconds, renewTime: now } });
    try {
      this.lease = await (this.o.renewLease ? this.o.renewLease(next) : this.o.client.update('leases', next));
    } catch (err) {
      this.lease = undefined;
      throw err;
    }
  }
}
