import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { freePort, startProcess, tailFile, waitUntil, type ManagedProcess } from './process';

export interface RegistryServer {
  /** "127.0.0.1:PORT" — a reference domain and the HTTP host. */
  address: string;
  process: ManagedProcess;
  stop(): Promise<void>;
}

export interface StartRegistryOptions {
  /** Storage root (and where the generated config is written). */
  dir: string;
  host?: string;
  port?: number;
  logFile: string;
}

/**
 * Runs Debian's `docker-registry` (distribution 2.8) with filesystem storage under `dir`,
 * delete enabled and no auth, and waits until `/v2/` answers.
 */
export async function startRegistry(opts: StartRegistryOptions): Promise<RegistryServer> {
  const host = opts.host ?? '127.0.0.1';
  const port = opts.port ?? (await freePort(host));
  const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  fs.mkdirSync(path.join(opts.dir, 'storage'), { recursive: true });
  const configFile = path.join(opts.dir, 'config.yml');
  fs.writeFileSync(
    configFile,
    [
      'version: 0.1',
      'log: { level: info, accesslog: { disabled: false } }',
      `storage: { filesystem: { rootdirectory: ${JSON.stringify(path.join(opts.dir, 'storage'))} }, delete: { enabled: true }, cache: { blobdescriptor: inmemory } }`,
      `http: { addr: ${JSON.stringify(address)}, headers: { X-Content-Type-Options: [nosniff] } }`,
      '',
    ].join('\n'),
  );
  const proc = startProcess('docker-registry', ['serve', configFile], { logFile: opts.logFile });
  try {
    await waitUntil(async () => (await v2Status(address)) === 200, 15_000, `docker-registry on ${address}`);
  } catch (err) {
    await proc.stop();
    throw new Error(`docker-registry did not start: ${(err as Error).message}\n${tailFile(opts.logFile)}`, { cause: err });
  }
  return { address, process: proc, stop: () => proc.stop() };
}

function v2Status(address: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(`http://${address}/v2/`, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
  });
}
