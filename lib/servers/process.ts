import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';

/** A free TCP port on the given loopback/bridge host, chosen by the kernel. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, host, () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves when host:port accepts a TCP connection; rejects after timeoutMs. */
export async function waitForTcp(host: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host, port });
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${host}:${port} did not accept connections within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Polls `check` until it returns true; rejects with `what` after timeoutMs. */
export async function waitUntil(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string, intervalMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export interface ManagedProcess {
  readonly pid: number;
  readonly child: ChildProcess;
  /** Resolves with the exit code (or signal name) once the process has ended. */
  readonly exited: Promise<number | string>;
  /** SIGTERM, then SIGKILL after graceMs; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL at once (fault tests). */
  kill9(): Promise<void>;
}

/**
 * Starts a server process with stdout/stderr appended to `logFile` (so a failure can be read
 * afterwards). Tests and `berth dev up` use this; each caller ends its own processes by PID.
 */
export function startProcess(cmd: string, args: string[], opts: { logFile: string; env?: NodeJS.ProcessEnv; cwd?: string; detached?: boolean }): ManagedProcess {
  const out = fs.openSync(opts.logFile, 'a');
  const spawnOpts: SpawnOptions = { stdio: ['ignore', out, out], env: opts.env ?? process.env, cwd: opts.cwd, detached: opts.detached ?? false };
  const child = spawn(cmd, args, spawnOpts);
  fs.closeSync(out);
  if (child.pid === undefined) throw new Error(`could not start ${cmd}: is it installed? (see scripts/deps.sh)`);
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1));
    child.once('error', () => resolve(-1));
  });
  let done = false;
  void exited.then(() => (done = true));
  const pid = child.pid;
  const stop = async (graceMs = 5000): Promise<void> => {
    if (done) return;
    child.kill('SIGTERM');
    const t = setTimeout(() => !done && child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(t);
  };
  const kill9 = async (): Promise<void> => {
    if (done) return;
    child.kill('SIGKILL');
    await exited;
  };
  return { pid, child, exited, stop, kill9 };
}

/** Last `bytes` of a log file, for error messages ("etcd exited: <tail>"). */
export function tailFile(file: string, bytes = 2000): string {
  try {
    const buf = fs.readFileSync(file);
    return buf.subarray(Math.max(0, buf.length - bytes)).toString();
  } catch {
    return '';
  }
}
