import * as fs from 'node:fs';
import * as path from 'node:path';
import { freePort, startProcess, tailFile, waitUntil, type ManagedProcess } from './process';

export interface EtcdOptions {
  dataDir: string;
  host?: string;
  clientPort?: number;
  peerPort?: number;
  logFile: string;
  /** Keep this many revisions (etcd --auto-compaction-mode revision); default 10,000. */
  autoCompactionRetention?: number;
}

export interface RunningEtcd {
  endpoint: string;
  process: ManagedProcess;
  stop(): Promise<void>;
}

async function healthy(endpoint: string): Promise<boolean> {
  const res = await fetch(`${endpoint}/health`);
  if (!res.ok) return false;
  const body = (await res.json()) as { health?: string };
  return body.health === 'true';
}

/**
 * Starts one etcd member with auto-compaction on (history is bounded, unlike etcd's default)
 * and watch progress notifications every second (the apiserver's bookmarks rely on them).
 * Resolves once /health answers true.
 */
export async function startEtcd(opts: EtcdOptions): Promise<RunningEtcd> {
  const host = opts.host ?? '127.0.0.1';
  const clientPort = opts.clientPort ?? (await freePort(host));
  const peerPort = opts.peerPort ?? (await freePort(host));
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const endpoint = `http://${host}:${clientPort}`;
  const peer = `http://${host}:${peerPort}`;
  const args = [
    '--name', 'berth',
    '--data-dir', path.resolve(opts.dataDir),
    '--listen-client-urls', endpoint,
    '--advertise-client-urls', endpoint,
    '--listen-peer-urls', peer,
    '--initial-advertise-peer-urls', peer,
    '--initial-cluster', `berth=${peer}`,
    '--auto-compaction-mode', 'revision',
    '--auto-compaction-retention', String(opts.autoCompactionRetention ?? 10_000),
    '--experimental-watch-progress-notify-interval', '1s',
    '--quota-backend-bytes', String(4 * 1024 * 1024 * 1024),
  ];
  const proc = startProcess('etcd', args, { logFile: opts.logFile });
  let exited = false;
  void proc.exited.then(() => (exited = true));
  try {
    await waitUntil(async () => {
      if (exited) throw new Error('exited');
      return healthy(endpoint);
    }, 30_000, `etcd at ${endpoint}`);
  } catch (err) {
    await proc.stop();
    throw new Error(`etcd did not become healthy: ${tailFile(opts.logFile)}`, { cause: err });
  }
  if (exited) throw new Error(`etcd exited: ${tailFile(opts.logFile)}`);
  return { endpoint, process: proc, stop: () => proc.stop() };
}
