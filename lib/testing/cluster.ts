import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient } from '../api';
import { startEtcd, type RunningEtcd } from '../servers/etcd';
import { startNats, type RunningNats } from '../servers/nats';
import { freePort, startProcess, waitForTcp, waitUntil, type ManagedProcess } from '../servers/process';

/** The compiled `berth` entry point, whether this file runs from source (ts-jest) or from dist/ (benchmarks). */
export const BERTH_JS = [join(__dirname, '../../dist/cmd/berth.js'), join(__dirname, '../../cmd/berth.js')].find((f) => existsSync(f)) ?? join(__dirname, '../../dist/cmd/berth.js');

/**
 * Leader election scaled down so a takeover fits in a test (lease 8 s, renew deadline 6 s) yet
 * leaves room for slow API calls on a loaded 2-core machine, where a leader that cannot renew
 * in time rightly exits.
 */
export const FAST_LEADER_FLAGS = ['--lease-duration', '8', '--renew-deadline', '6', '--retry-period', '1'];

/** Hollow-node agent flags for tests: quick heartbeats, no drain delay, quick restarts. */
export const FAST_AGENT_FLAGS = ['--heartbeat-seconds', '0.5', '--drain-delay-seconds', '0', '--backoff-initial-seconds', '0.2', '--resync-seconds', '5'];

export interface ControllerManagerFlags {
  /** Seconds of lease silence before Ready=Unknown. */
  gracePeriod?: number;
  /** Seconds not ready before eviction. */
  evictionTimeout?: number;
  /** Leader-election flags, e.g. FAST_LEADER_FLAGS (default: the production defaults). */
  leader?: string[];
  extra?: string[];
}

/** A real control plane for integration tests: etcd, NATS, apiserver, plus berth processes on demand. */
export class TestCluster {
  dir = mkdtempSync(join(tmpdir(), 'berth-cm-'));
  etcd!: RunningEtcd;
  nats!: RunningNats;
  apiserver = '';
  client!: ApiClient;
  readonly procs: ManagedProcess[] = [];

  async start(): Promise<void> {
    this.etcd = await startEtcd({ dataDir: join(this.dir, 'etcd'), logFile: join(this.dir, 'etcd.log') });
    this.nats = await startNats({ logFile: join(this.dir, 'nats.log') });
    const port = await freePort();
    this.apiserver = `127.0.0.1:${port}`;
    this.spawn('apiserver', ['apiserver', '--etcd', this.etcd.endpoint, '--nats', this.nats.url, '--listen', this.apiserver]);
    await waitForTcp('127.0.0.1', port, 20_000);
    this.client = new ApiClient(this.apiserver);
  }

  /** Starts `berth ARGS` logging to DIR/NAME.log; `env` is added last (e.g. BERTH_LOG_LEVEL: 'debug'). */
  spawn(name: string, args: string[], env: NodeJS.ProcessEnv = {}): ManagedProcess {
    const p = startProcess('node', [BERTH_JS, ...args], { logFile: join(this.dir, `${name}.log`), env: { ...process.env, BERTH_LOG_LEVEL: 'info', ...env } });
    this.procs.push(p);
    return p;
  }

  /** One agent process running `count` hollow nodes named `<prefix>0..`. */
  agent(prefix: string, count = 1, extra: string[] = []): ManagedProcess {
    return this.spawn(`agent-${prefix}`, ['agent', '--apiserver', this.apiserver, '--nats', this.nats.url, '--simulate-nodes', String(count), '--simulate-prefix', prefix, ...FAST_AGENT_FLAGS, ...extra]);
  }

  scheduler(id: string, leader: string[] = []): ManagedProcess {
    return this.spawn(`scheduler-${id}`, ['scheduler', '--apiserver', this.apiserver, '--nats', this.nats.url, '--id', id, ...leader]);
  }

  controllerManager(id: string, f: ControllerManagerFlags = {}): ManagedProcess {
    return this.spawn(`cm-${id}`, [
      'controller-manager',
      ...['--apiserver', this.apiserver, '--nats', this.nats.url, '--cluster-cidr', '10.244.0.0/16', '--id', id],
      ...['--node-monitor-grace-period', String(f.gracePeriod ?? 40), '--pod-eviction-timeout', String(f.evictionTimeout ?? 300)],
      ...(f.leader ?? []),
      ...(f.extra ?? []),
    ]);
  }

  /** Waits until `n` nodes are registered and Ready. */
  async waitForReadyNodes(n: number, timeoutMs = 30_000): Promise<void> {
    await waitUntil(
      async () => (await this.client.list('nodes')).items.filter((node) => node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length >= n,
      timeoutMs,
      `${n} ready nodes`,
    );
  }

  async stop(): Promise<void> {
    this.client?.close();
    for (const p of this.procs.reverse()) await p.stop();
    await this.nats?.stop();
    await this.etcd?.stop();
    // BERTH_KEEP_TEST_DIR=1 keeps the logs of every process for a post-mortem.
    if (!process.env.BERTH_KEEP_TEST_DIR) rmSync(this.dir, { recursive: true, force: true });
  }
}
