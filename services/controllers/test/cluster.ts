import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient } from '../../../lib/api';
import { startEtcd, type RunningEtcd } from '../../../lib/servers/etcd';
import { startNats, type RunningNats } from '../../../lib/servers/nats';
import { freePort, startProcess, waitForTcp, type ManagedProcess } from '../../../lib/servers/process';

const BERTH = join(__dirname, '../../../dist/cmd/berth.js');

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

  spawn(name: string, args: string[]): ManagedProcess {
    const p = startProcess('node', [BERTH, ...args], { logFile: join(this.dir, `${name}.log`), env: { ...process.env, BERTH_LOG_LEVEL: 'info' } });
    this.procs.push(p);
    return p;
  }

  async stop(): Promise<void> {
    this.client?.close();
    for (const p of this.procs.reverse()) await p.stop();
    await this.nats?.stop();
    await this.etcd?.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
