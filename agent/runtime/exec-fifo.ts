// `RUNTIME start` without a process. After `create`, crun's and runc's container init waits on
// `<runtime root>/<id>/exec.fifo`; `start` only releases it through that FIFO (and removes it,
// which is how both runtimes later tell "created" from "running"). Doing that here saves a
// runtime process per container start, the largest per-pod cost left after conmon and create.
import * as fs from 'node:fs';
import { RuntimeError } from './container-runtime';
import type { RuntimeName } from './runtime-select';

/**
 * Which end of the FIFO `start` opens. crun's init holds the read end and waits for a byte
 * (crun start: open O_WRONLY, unlink, write one byte); runc's init blocks opening the write end
 * and writes "0" once a reader comes (runc start: open O_RDONLY, read it, remove the FIFO).
 */
export type FifoEnd = 'write' | 'read';

export function fifoEnd(runtime: RuntimeName): FifoEnd {
  return runtime === 'crun' ? 'write' : 'read';
}

export interface ReleaseOptions {
  /** Whether the init process still lives (a dead one never answers). */
  initAlive: () => boolean;
  /** How long the read end waits for runc's init to write. */
  timeoutMs?: number;
  /** Between reads of a FIFO that has no byte yet. */
  pollMs?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const errnoOf = (err: unknown): string | undefined => (err as NodeJS.ErrnoException).code;

/**
 * Releases the init waiting on `fifoPath` as the runtime's own `start` would. Resolves false
 * when there is no FIFO (another runtime version, or started already): the caller runs
 * `RUNTIME start`, which then decides. Never blocks the thread: the FIFO is opened O_NONBLOCK.
 */
export async function releaseInit(fifoPath: string, end: FifoEnd, o: ReleaseOptions): Promise<boolean> {
  const flags = (end === 'write' ? fs.constants.O_WRONLY : fs.constants.O_RDONLY) | fs.constants.O_NONBLOCK;
  let fd: number;
  try {
    fd = fs.openSync(fifoPath, flags);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return false;
    // ENXIO: no reader holds the FIFO, so crun's init is gone.
    if (errnoOf(err) === 'ENXIO') throw new RuntimeError(`start: the container's init process is gone (${fifoPath} has no reader)`);
    throw err;
  }
  try {
    if (end === 'write') {
      // Removed first, as crun does: a state query from now on says "running".
      fs.unlinkSync(fifoPath);
      try {
        fs.writeSync(fd, Buffer.of(0));
      } catch (err) {
        // EPIPE: the init died between the open and the write.
        if (errnoOf(err) === 'EPIPE') throw new RuntimeError(`start: the container's init process is gone (${fifoPath})`);
        throw err;
      }
      return true;
    }
    await readStartByte(fd, fifoPath, o);
    fs.rmSync(fifoPath, { force: true });
    return true;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Waits for runc's init to write its byte and then exec the container's process (its end of
 * the FIFO closes on exec: end of file), as `runc start` does, so a signal sent right after
 * start reaches the container's process, not runc's init. Until the init's blocked open
 * returns, a read sees no writer (0) or no data yet (EAGAIN); both mean "not yet" while it lives.
 */
async function readStartByte(fd: number, fifoPath: string, o: ReleaseOptions): Promise<void> {
  const buf = Buffer.alloc(16);
  const deadline = Date.now() + (o.timeoutMs ?? 10_000);
  let got = 0;
  for (;;) {
    let n = -1;
    try {
      n = fs.readSync(fd, buf, 0, buf.length, null);
    } catch (err) {
      if (errnoOf(err) !== 'EAGAIN') throw err;
    }
    if (n > 0) got += n;
    else if (n === 0 && got > 0) return;
    else if (!o.initAlive()) throw new RuntimeError(`start: the container's init process exited before it was started (${fifoPath})`);
    if (Date.now() > deadline) throw new RuntimeError(`start: the container's init did not answer on ${fifoPath}`);
    if (n <= 0) await sleep(o.pollMs ?? 1);
  }
}
