import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { BadRequestError } from '../../lib/errors';
import { createLogger, type Logger } from '../../lib/log';
import { detectCgroupVersion, parseOomKillCount, type CgroupVersion } from './cgroup-version';
import {
  ContainerNotFoundError,
  RuntimeError,
  type ContainerRuntime,
  type ContainerState,
  type CreateOptions,
  type ExecHandle,
  type ExecOptions,
} from './container-runtime';
import { fifoEnd, releaseInit } from './exec-fifo';
import { parseExitFile, parseProcStat, parseSyncMessage } from './monitor-files';
import type { OciSpec } from './oci-types';
import { spawnPool } from '../spawn/spawn-pool';
import { openCgroupNamespace, type CgroupNamespace } from './cgroup-namespace';
import { runTool } from './run-tool';
import type { RuntimeChoice } from './runtime-select';

export interface ConmonRuntimeOptions {
  choice: RuntimeChoice;
  /** Holds the runtime's --root, conmon's persist dirs, exit files and attach sockets. */
  stateDir: string;
  conmonPath?: string;
  /**
   * Directories under which the caller mounts what containers use (rootfs, volumes): with crun
   * on a hybrid cgroup host they must be visible in the runtime's own mount namespace.
   */
  sharedMountDirs?: string[];
  /** Passed to conmon's --log-size-max (it truncates; rotation is container-log.ts's job). */
  logSizeMax?: number;
  logger?: Logger;
}

/** What the runtime keeps per container beside conmon's own files (persist dir meta.json). */
interface ContainerMeta {
  bundleDir: string;
  logPath: string;
  cgroupsPath: string;
  createdAt: string;
  startedAt?: string;
  pid?: number;
  /** /proc/PID/stat start time of the init process, to tell it from a reused PID. */
  pidStartTime?: number;
}

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGUSR1: 10, SIGUSR2: 12, SIGTERM: 15 };

const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function procStat(pid: number): ReturnType<typeof parseProcStat> {
  const text = readText(`/proc/${pid}/stat`);
  return text === undefined ? undefined : parseProcStat(text);
}

/** Alive and not a zombie (a reaped conmon lingers as Z here for a while). */
function processAlive(pid: number | undefined): boolean {
  if (pid === undefined || !Number.isInteger(pid) || pid <= 0) return false;
  const st = procStat(pid);
  return st !== undefined && st.state !== 'Z' && st.state !== 'X';
}

/** The container's init PID while that very process (same start time) lives, not as a zombie. */
function liveInit(meta: ContainerMeta): number | undefined {
  if (meta.pid === undefined || meta.pidStartTime === undefined) return undefined;
  const st = procStat(meta.pid);
  return st && st.state !== 'Z' && st.state !== 'X' && st.startTime === meta.pidStartTime ? meta.pid : undefined;
}

/**
 * An OCI runtime (crun or runc) driven through conmon: conmon runs `RUNTIME create`, holds the
 * container's stdio (k8s-file log), reaps it and records its exit code in a file, so containers
 * survive the agent. All state lives under stateDir; a new instance adopts what is there.
 */
export class ConmonRuntime implements ContainerRuntime {
  readonly name: string;
  private readonly log: Logger;
  private readonly root: string;
  private readonly exitDir: string;
  private readonly containersDir: string;
  private readonly socketDir: string;
  private readonly conmon: string;
  private readonly cgroupVersion: CgroupVersion;
  private readonly metas = new Map<string, ContainerMeta>();
  /** crun on a hybrid cgroup host: the mount namespace conmon runs in, made on first create. */
  private cgroupNs: Promise<CgroupNamespace> | undefined;

  constructor(private readonly opts: ConmonRuntimeOptions) {
    this.name = opts.choice.name;
    this.log = (opts.logger ?? createLogger()).child({ component: 'runtime', runtime: this.name });
    this.root = path.join(opts.stateDir, 'root');
    this.exitDir = path.join(opts.stateDir, 'exits');
    this.containersDir = path.join(opts.stateDir, 'containers');
    this.socketDir = path.join(opts.stateDir, 'sock');
    this.conmon = opts.conmonPath ?? 'conmon';
    for (const d of [this.root, this.exitDir, this.containersDir, this.socketDir]) fs.mkdirSync(d, { recursive: true });
    this.cgroupVersion = detectCgroupVersion(readText('/proc/self/mounts') ?? '');
    this.log.info({ reason: opts.choice.reason, binary: opts.choice.binary }, 'runtime selected');
    // Made now, before the caller mounts anything under the shared directories: a mount made
    // under a directory before it became a shared bind of itself would be hidden by that bind.
    if (opts.choice.needsPrivateCgroupMount) void this.cgroupNamespace()?.catch(() => undefined);
  }

  /**
   * The mount namespace conmon (so `RUNTIME create`) runs in, when the runtime needs cgroup2
   * out of sight; the other runtime commands work plain. Made once per process (again after a
   * failure, or once its launcher has died).
   */
  private cgroupNamespace(): Promise<CgroupNamespace> | undefined {
    if (!this.opts.choice.needsPrivateCgroupMount) return undefined;
    if (!this.cgroupNs) {
      const opening = openCgroupNamespace({ sharedDirs: this.opts.sharedMountDirs ?? [], log: this.log });
      this.cgroupNs = opening;
      // A launcher that died (killed, or its shell failed) is made again on the next create;
      // the containers it started do not depend on it.
      opening.then(
        (ns) => void ns.exited.then(() => this.cgroupNs === opening && (this.cgroupNs = undefined)),
        () => this.cgroupNs === opening && (this.cgroupNs = undefined),
      );
    }
    return this.cgroupNs;
  }

  /** Releases the runtime's mount namespace (running containers keep theirs). */
  async close(): Promise<void> {
    const ns = this.cgroupNs;
    this.cgroupNs = undefined;
    (await ns?.catch(() => undefined))?.close();
  }

  private dirOf(id: string): string {
    if (!ID_PATTERN.test(id)) throw new BadRequestError(`invalid container id ${JSON.stringify(id)}`);
    return path.join(this.containersDir, id);
  }

  /** meta.json is read once per container (an earlier agent's, on adoption), then kept here. */
  private readMeta(id: string): ContainerMeta | undefined {
    const cached = this.metas.get(id);
    if (cached) return cached;
    const text = readText(path.join(this.dirOf(id), 'meta.json'));
    const meta = text === undefined ? undefined : (JSON.parse(text) as ContainerMeta);
    if (meta) this.metas.set(id, meta);
    return meta;
  }

  private writeMeta(id: string, meta: ContainerMeta): void {
    const file = path.join(this.dirOf(id), 'meta.json');
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(meta));
    fs.renameSync(`${file}.tmp`, file);
    this.metas.set(id, meta);
  }

  private runtime(args: string[]): ReturnType<typeof runTool> {
    return runTool(this.opts.choice.binary, ['--root', this.root, ...args]);
  }

  async create(id: string, bundleDir: string, opts: CreateOptions): Promise<{ pid: number }> {
    const dir = this.dirOf(id);
    const spec = JSON.parse(fs.readFileSync(path.join(bundleDir, 'config.json'), 'utf8')) as OciSpec;
    fs.mkdirSync(dir, { recursive: true });
    fs.rmSync(path.join(this.exitDir, id), { force: true });
    fs.mkdirSync(path.dirname(opts.logPath), { recursive: true });
    this.writeMeta(id, { bundleDir, logPath: opts.logPath, cgroupsPath: spec.linux.cgroupsPath, createdAt: new Date().toISOString() });

    const args = [
      '--api-version', '1',
      '-c', id, '-u', id, '-n', id,
      '-r', this.opts.choice.binary,
      '--runtime-arg', '--root', '--runtime-arg', this.root,
      '-b', bundleDir,
      '-p', path.join(dir, 'pidfile'),
      '-P', path.join(dir, 'conmon.pid'),
      '--exit-dir', this.exitDir,
      '-0', dir,
      '-l', `k8s-file:${opts.logPath}`,
      '--socket-dir-path', this.socketDir,
      ...(this.opts.logSizeMax ? ['--log-size-max', String(this.opts.logSizeMax)] : []),
      ...(spec.process.terminal ? ['-t'] : []),
    ];
    // cwd = persist dir: conmon also drops its `oom` marker into its working directory.
    const monitor = { logFile: path.join(dir, 'conmon.log'), syncEnv: '_OCI_SYNCPIPE' };
    const ns = await this.cgroupNamespace();
    const line = ns
      ? await ns.launch({ cwd: dir, cmd: this.conmon, args, ...monitor })
      : ((await spawnPool.run({ cmd: this.conmon, args, cwd: dir, monitor })).syncLine ?? '');
    const sync = parseSyncMessage(line);
    if (!sync.ok) {
      this.log.warn({ id, message: sync.message }, 'create failed');
      throw new RuntimeError(`${this.name} create ${id}: ${sync.message}`);
    }
    const startTime = procStat(sync.pid)?.startTime;
    const meta = this.readMeta(id) as ContainerMeta;
    this.writeMeta(id, { ...meta, pid: sync.pid, pidStartTime: startTime });
    this.log.debug({ id, pid: sync.pid }, 'created');
    return { pid: sync.pid };
  }

  async start(id: string): Promise<void> {
    const meta = this.readMeta(id);
    if (!meta) throw new ContainerNotFoundError(`container ${id} not found`);
    const fifo = path.join(this.root, id, 'exec.fifo');
    if (!(await releaseInit(fifo, fifoEnd(this.opts.choice.name), { initAlive: () => liveInit(meta) !== undefined }))) {
      const r = await this.runtime(['start', id]);
      if (r.code !== 0) throw new RuntimeError(`${this.name} start ${id}: ${r.stderr.trim()}`);
    }
    this.writeMeta(id, { ...meta, startedAt: new Date().toISOString() });
  }

  private oomKilled(id: string, meta: ContainerMeta): boolean {
    if (fs.existsSync(path.join(this.dirOf(id), 'oom'))) return true;
    const file =
      this.cgroupVersion === 'v1'
        ? path.join('/sys/fs/cgroup/memory', meta.cgroupsPath, 'memory.oom_control')
        : path.join('/sys/fs/cgroup', meta.cgroupsPath, 'memory.events');
    return parseOomKillCount(readText(file) ?? '') > 0;
  }

  private exitRecord(id: string): { code: number; at: Date } | undefined {
    for (const file of [path.join(this.exitDir, id), path.join(this.dirOf(id), 'exit')]) {
      const text = readText(file);
      const code = text === undefined ? undefined : parseExitFile(text);
      if (code !== undefined) return { code, at: new Date(fs.statSync(file).mtimeMs) };
    }
    return undefined;
  }

  private conmonPid(id: string): number | undefined {
    const text = readText(path.join(this.dirOf(id), 'conmon.pid'));
    return text === undefined ? undefined : Number(text.trim());
  }

  async state(id: string): Promise<ContainerState> {
    const meta = this.readMeta(id);
    if (!meta) throw new ContainerNotFoundError(`container ${id} not found`);
    const times = { ...(meta.startedAt ? { startedAt: new Date(meta.startedAt) } : {}) };
    const stopped = (): ContainerState | undefined => {
      const exit = this.exitRecord(id);
      if (!exit) return undefined;
      return { status: 'stopped', exitCode: exit.code, oomKilled: this.oomKilled(id, meta), ...times, finishedAt: exit.at };
    };
    const early = stopped();
    if (early) return early;
    // The init process we created is alive (same PID, same start time, not a zombie): the
    // answer is known without a `RUNTIME state` process, which every pod sync would cost.
    const init = liveInit(meta);
    if (init !== undefined) return { status: meta.startedAt ? 'running' : 'created', pid: init, ...times };

    const r = await this.runtime(['state', id]);
    if (r.code !== 0) return stopped() ?? { status: 'unknown', ...times };
    const rt = JSON.parse(r.stdout) as { status: string; pid?: number };
    if (rt.status === 'stopped') {
      // conmon writes the exit file right after reaping: give it a moment while it lives.
      for (let i = 0; i < 40 && processAlive(this.conmonPid(id)); i++) {
        const s = stopped();
        if (s) return s;
        await sleep(25);
      }
      return stopped() ?? { status: 'stopped', oomKilled: this.oomKilled(id, meta), ...times };
    }
    const pid = rt.pid ?? meta.pid;
    if (pid !== undefined && meta.pidStartTime !== undefined && procStat(pid)?.startTime !== meta.pidStartTime) {
      // The PID now belongs to another process: ours is gone without a record.
      return stopped() ?? { status: 'unknown', ...times };
    }
    return { status: rt.status === 'created' ? 'created' : rt.status === 'running' || rt.status === 'paused' ? 'running' : 'unknown', pid, ...times };
  }

  /** Exit recorded, or the container gone and nobody left to record it. */
  private async waitStopped(id: string, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.exitRecord(id)) return true;
      if (!processAlive(this.conmonPid(id))) {
        const st = await this.state(id);
        if (st.status === 'stopped' || st.status === 'unknown') return true;
      }
      if (Date.now() >= deadline) return false;
      await sleep(25);
    }
  }

  async stop(id: string, graceSeconds: number): Promise<void> {
    const st = await this.state(id);
    if (st.status === 'stopped' || st.status === 'unknown') return;
    const log = this.log.child({ id });
    if (st.status === 'running' && graceSeconds > 0) {
      await this.kill(id, 'SIGTERM');
      if (await this.waitStopped(id, graceSeconds * 1000)) return;
      log.info({ graceSeconds }, 'still running after the grace period: SIGKILL');
    }
    await this.kill(id, 'SIGKILL');
    if (!(await this.waitStopped(id, 10_000))) throw new RuntimeError(`${this.name}: container ${id} did not stop after SIGKILL`);
  }

  async kill(id: string, signal: NodeJS.Signals): Promise<void> {
    // What `RUNTIME kill` does (signal the init process), without a process of its own.
    const meta = this.readMeta(id);
    const init = meta && liveInit(meta);
    if (init !== undefined) {
      try {
        process.kill(init, signal);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err; // it has just exited
      }
      return;
    }
    const r = await this.runtime(['kill', id, String(SIGNALS[signal] ?? signal.replace(/^SIG/, ''))]);
    if (r.code === 0) return;
    // Killing a container that has just exited is not an error.
    const st = await this.state(id);
    if (st.status === 'stopped' || st.status === 'unknown') return;
    throw new RuntimeError(`${this.name} kill ${id} ${signal}: ${r.stderr.trim()}`);
  }

  async delete(id: string): Promise<void> {
    const dir = this.dirOf(id);
    const meta = this.readMeta(id);
    const r = await this.runtime(['delete', '--force', id]);
    if (r.code !== 0 && (await this.runtime(['state', id])).code === 0) {
      throw new RuntimeError(`${this.name} delete ${id}: ${r.stderr.trim()}`);
    }
    const conmonPid = fs.existsSync(dir) ? this.conmonPid(id) : undefined;
    if (processAlive(conmonPid)) {
      // Its container is gone; conmon exits on its own within moments. Don't leave it behind.
      for (let i = 0; i < 40 && processAlive(conmonPid); i++) await sleep(25);
      if (processAlive(conmonPid)) process.kill(conmonPid as number, 'SIGKILL');
    }
    fs.rmSync(path.join(this.exitDir, id), { force: true });
    fs.rmSync(dir, { recursive: true, force: true });
    this.metas.delete(id);
    if (meta) {
      // The bundle's rootfs is the caller's mount: remove only what this runtime reads.
      fs.rmSync(path.join(meta.bundleDir, 'config.json'), { force: true });
      try {
        fs.rmdirSync(meta.bundleDir);
      } catch {
        // not empty (rootfs still there) or already gone
      }
    }
    this.log.debug({ id }, 'deleted');
  }

  async list(): Promise<string[]> {
    const ids = new Set(fs.readdirSync(this.containersDir).filter((n) => ID_PATTERN.test(n)));
    const r = await this.runtime(['list', '-q']);
    if (r.code === 0) for (const line of r.stdout.split('\n')) if (line.trim()) ids.add(line.trim());
    return [...ids].sort();
  }

  exec(id: string, args: string[], opts: ExecOptions): ExecHandle {
    this.dirOf(id);
    const flags = [
      ...(opts.tty ? ['-t'] : []),
      ...(opts.env ?? []).flatMap((e) => ['--env', e]),
      ...(opts.cwd ? ['--cwd', opts.cwd] : []),
    ];
    const argv = [this.opts.choice.binary, '--root', this.root, 'exec', ...flags, id, ...args];
    // `RUNTIME exec -t` wants a terminal of its own on the caller's side (it opens /dev/tty):
    // util-linux `script` provides one, raw and without echo so bytes pass through unchanged.
    const [cmd, cmdArgs] = opts.tty
      ? ['script', ['-qfec', `stty raw -echo 2>/dev/null; exec ${argv.map(shellQuote).join(' ')}`, '/dev/null']]
      : [argv[0], argv.slice(1)];
    // script turns EOF on its stdin into an EOF character for the command: keep a pipe open instead.
    const child = spawn(cmd, cmdArgs, { stdio: [opts.stdin || opts.tty ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    const exitCode = new Promise<number>((resolve) => {
      child.once('error', () => resolve(-1));
      child.once('close', (code, signal) => resolve(code ?? 128 + (signal ? (SIGNALS[signal] ?? 0) : 0)));
    });
    if (opts.tty && !opts.stdin) void exitCode.then(() => child.stdin?.destroy());
    return {
      stdin: opts.stdin ? child.stdin : null,
      stdout: child.stdout as Readable,
      stderr: child.stderr as Readable,
      exitCode,
      kill: (signal = 'SIGKILL') => void child.kill(signal),
    };
  }

  async version(): Promise<string> {
    const [rt, cm] = await Promise.all([runTool(this.opts.choice.binary, ['--version']), runTool(this.conmon, ['--version'])]);
    return `${rt.stdout.split('\n')[0].trim()}; ${cm.stdout.split('\n')[0].trim()}`;
  }
}
