// Child processes started from worker threads. Node's spawn() blocks the calling thread until
// the child has exec'd; on a busy host that is tens of milliseconds per process, during which
// the agent's event loop (every other pod's sync, status writes, watches) stood still.
import * as os from 'node:os';
import { Worker } from 'node:worker_threads';

export interface SpawnRequest {
  cmd: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Written to the child's stdin, then closed. */
  input?: string;
  timeoutMs?: number;
  /**
   * A monitor that daemonizes (conmon): started detached with stdout/stderr appended to this
   * file and fd 3 a pipe; the result is the first line it writes there (its sync message),
   * without waiting for it to exit.
   */
  monitor?: { logFile: string; syncEnv: string };
}

export interface SpawnResult {
  /** Exit code; -1 when it could not start or was killed (see error). */
  code: number;
  stdout: string;
  stderr: string;
  /** Why it did not run or finish (spawn error, timeout). */
  error?: string;
  /** monitor mode: the first line from fd 3. */
  syncLine?: string;
}

// Plain JavaScript (no transpiler sees it): runs in each worker thread.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
function runMonitor(r, reply) {
  const log = fs.openSync(r.monitor.logFile, 'a');
  let child;
  try {
    child = spawn(r.cmd, r.args, { cwd: r.cwd, detached: true, env: { ...(r.env || process.env), [r.monitor.syncEnv]: '3' }, stdio: ['ignore', log, log, 'pipe'] });
  } catch (e) {
    fs.closeSync(log);
    return reply({ code: -1, stdout: '', stderr: '', error: String(e && e.message), syncLine: '' });
  }
  fs.closeSync(log);
  child.on('error', () => undefined);
  child.unref();
  const pipe = child.stdio[3];
  let buf = '';
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    pipe.removeAllListeners('data');
    pipe.destroy();
    reply({ code: 0, stdout: '', stderr: '', syncLine: buf.split('\\n')[0] });
  };
  pipe.setEncoding('utf8');
  pipe.on('data', (c) => { buf += c; if (buf.includes('\\n')) finish(); });
  pipe.once('end', finish);
  pipe.once('error', finish);
}
function run(r, reply) {
  let child;
  try {
    child = spawn(r.cmd, r.args, { cwd: r.cwd, env: r.env || process.env, stdio: [r.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  } catch (e) {
    return reply({ code: -1, stdout: '', stderr: '', error: String(e && e.message) });
  }
  let out = '';
  let err = '';
  let error;
  child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d) => (err += d));
  const timer = setTimeout(() => { error = 'timed out after ' + r.timeoutMs + ' ms'; child.kill('SIGKILL'); }, r.timeoutMs || 30000);
  child.once('error', (e) => { error = error || e.message; });
  child.once('close', (code) => {
    clearTimeout(timer);
    reply({ code: typeof code === 'number' && !error ? code : -1, stdout: out, stderr: err, error });
  });
  if (r.input !== undefined) {
    child.stdin.on('error', () => undefined);
    child.stdin.end(r.input);
  }
}
parentPort.on('message', (m) => {
  const reply = (res) => parentPort.postMessage({ id: m.id, res });
  if (m.req.monitor) runMonitor(m.req, reply); else run(m.req, reply);
});
`;

interface Slot {
  worker: Worker;
  busy: number;
}

/**
 * A few worker threads that start child processes and report how they ended. Workers are
 * made on first use and keep the process alive only while they have work.
 */
export class SpawnPool {
  private slots: Slot[] = [];
  private nextId = 1;
  private readonly pending = new Map<number, { slot: Slot; resolve: (r: SpawnResult) => void }>();

  constructor(private readonly size = Math.max(2, Math.min(4, os.availableParallelism()))) {}

  run(req: SpawnRequest): Promise<SpawnResult> {
    const slot = this.pick();
    const id = this.nextId++;
    // Referenced only while it has work: a caller awaiting a result keeps the process alive.
    if (slot.busy++ === 0) slot.worker.ref();
    return new Promise((resolve) => {
      this.pending.set(id, { slot, resolve });
      slot.worker.postMessage({ id, req });
    });
  }

  private pick(): Slot {
    if (this.slots.length < this.size && this.slots.every((s) => s.busy > 0)) this.slots.push(this.startWorker());
    return this.slots.reduce((a, b) => (b.busy < a.busy ? b : a));
  }

  private startWorker(): Slot {
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.unref();
    const slot: Slot = { worker, busy: 0 };
    worker.on('message', (m: { id: number; res: SpawnResult }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (--p.slot.busy === 0) p.slot.worker.unref();
      p.resolve(m.res);
    });
    worker.on('error', (err) => this.fail(slot, err.message));
    worker.on('exit', () => this.fail(slot, 'spawn worker exited'));
    return slot;
  }

  /** A dead worker answers its callers with an error and is replaced on next use. */
  private fail(slot: Slot, why: string): void {
    this.slots = this.slots.filter((s) => s !== slot);
    for (const [id, p] of this.pending) {
      if (p.slot !== slot) continue;
      this.pending.delete(id);
      p.resolve({ code: -1, stdout: '', stderr: '', error: why });
    }
  }
}

/** The process's one pool: every agent part that runs helper binaries shares it. */
export const spawnPool = new SpawnPool();
