import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Etcd3 } from 'etcd3';
import { ApiClient } from '../../lib/api/client';
import { Deployment, Pod } from '../../lib/api/types';
import { startEtcd, type RunningEtcd } from '../../lib/servers/etcd';
import { startNats, type RunningNats } from '../../lib/servers/nats';
import { startApiserver, type ApiserverOptions, type RunningApiserver } from './apiserver';

// Shared by the apiserver's integration tests: real etcd + NATS on free loopback ports in a
// temp dir, stopped by PID afterwards.

export interface TestEnv {
  dir: string;
  etcd: RunningEtcd;
  nats: RunningNats;
  etcdClient: Etcd3;
  startApiserver(extra?: Partial<ApiserverOptions>): Promise<RunningApiserver>;
  stop(): Promise<void>;
}

export async function startTestEnv(name: string): Promise<TestEnv> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `berth-${name}-`));
  const etcd = await startEtcd({ dataDir: path.join(dir, 'etcd'), logFile: path.join(dir, 'etcd.log') });
  const nats = await startNats({ logFile: path.join(dir, 'nats.log') });
  const etcdClient = new Etcd3({ hosts: etcd.endpoint });
  const servers: RunningApiserver[] = [];
  return {
    dir,
    etcd,
    nats,
    etcdClient,
    async startApiserver(extra = {}) {
      const s = await startApiserver({ etcd: etcd.endpoint, nats: nats.url, listen: '127.0.0.1:0', ...extra });
      servers.push(s);
      return s;
    },
    async stop() {
      for (const s of servers) await s.stop().catch(() => undefined);
      etcdClient.close();
      await nats.stop();
      await etcd.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function pod(name: string, extra: { namespace?: string; labels?: Record<string, string>; nodeName?: string } = {}): Pod {
  return Pod.fromPartial({
    metadata: { name, namespace: extra.namespace ?? 'default', labels: extra.labels ?? {} },
    spec: { containers: [{ name: 'main', image: 'busybox:1.36' }], nodeName: extra.nodeName ?? '' },
  });
}

export function client(address: string): ApiClient {
  return new ApiClient(address, { timeoutMs: 20_000 });
}

export function deployment(name: string, replicas: number, extra: { finalizers?: string[] } = {}): Deployment {
  const labels = { app: name };
  return Deployment.fromPartial({
    metadata: { name, namespace: 'default', labels, finalizers: extra.finalizers ?? [] },
    spec: { replicas, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'main', image: 'busybox:1.36' }] } } },
  });
}
