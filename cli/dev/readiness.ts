import * as net from 'node:net';
import { tailFile, waitForTcp, waitUntil } from '../../lib/servers/process';
import { BerthError } from '../../lib/errors';
import { processLiveness } from './proc-identity';
import type { ComponentSpec } from './components';
import type { ProcessRecord } from './state';

/** A part `dev up` started did not come up; the message carries its log's tail. */
export class ComponentFailedError extends BerthError {}

// Parts without a port: alive this long after start means the flags parsed and it connected.
const ALIVE_SETTLE_MS = 1500;

/** Resolves once the part answers; rejects early (with its log) if the process dies. */
export async function waitReady(spec: ComponentSpec, record: ProcessRecord, timeoutMs = 30_000): Promise<void> {
  const died = (): never => {
    throw new ComponentFailedError(`${spec.name} exited; last lines of ${record.logFile}:\n${tailFile(record.logFile)}`);
  };
  const r = spec.readiness;
  let dead = false;
  try {
    await waitUntil(
      async () => {
        // waitUntil swallows errors as "not yet": death is a flag checked afterwards.
        dead = processLiveness(record) !== 'running';
        if (dead) return true;
        if (r.kind === 'http') return (await fetch(r.url, { signal: AbortSignal.timeout(2000) })).ok;
        if (r.kind === 'tcp') {
          await waitForTcp(r.host, r.port, 0);
          return true;
        }
        await new Promise((res) => setTimeout(res, ALIVE_SETTLE_MS));
        return true;
      },
      timeoutMs,
      spec.name,
      100,
    );
  } catch (err) {
    throw new ComponentFailedError(`${spec.name} not ready after ${timeoutMs} ms; last lines of ${record.logFile}:\n${tailFile(record.logFile)}`, { cause: err });
  }
  if (dead || processLiveness(record) !== 'running') died();
}

/** Whether something already accepts connections on host:port (a foreign server in our way). */
export function portTaken(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
