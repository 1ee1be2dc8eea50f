import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { BadRequestError, BerthError, ConflictError, NotFoundError, errorMessage } from '../../lib/errors';
import { createLogger, type Logger } from '../../lib/log';
import { bindMount, mount as mountSyscall, umount } from '../syscall/mount';
import { MOUNT_DATA_MAX, mountPoints, overlayData, overlayOptions } from './mount-table';

const run = promisify(execFile);

/** A snapshot is still part of a container's rootfs. */
export class SnapshotInUseError extends ConflictError {}
/** mount(8)/umount(8) failed; the message holds their stderr. */
export class MountError extends BerthError {}

const CHAIN_ID = /^sha256:([0-9a-f]{64})$/;
const CONTAINER_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/**
 * Snapshotter keeps unpacked image layers on disk and assembles container root filesystems
 * from them with overlayfs (after containerd's overlay snapshotter).
 *
 * Vocabulary
 * - snapshot: one layer unpacked as an overlay lower directory, immutable once committed, keyed
 *   by the layer's chain ID (the layer plus every layer below it; see chain-id.ts). Whiteouts
 *   inside it are overlay whiteouts (char 0/0) and opaque xattrs.
 * - committed: a snapshot exists only once its index link `snapshots/by-chain/<hex>` exists;
 *   creating that symlink is the atomic commit. Everything else is scratch.
 * - rootfs: an overlay mount of an image's snapshots (lowerdirs, top layer first) plus, unless
 *   read-only, a fresh upper and work directory owned by one container.
 *
 * Layout under `root`
 *   snapshots/<n>/fs            the layer's files; <n> is a short number so that 500 lowerdirs
 *                               fit in overlay's one-page mount data (mounts run with cwd here)
 *   snapshots/<n>/owner         pid of the process filling <n>, removed at commit
 *   snapshots/by-chain/<hex>    symlink → ../<n>: the index and commit point
 *   containers/<id>/upper|work  a container's writable layer
 *   containers/<id>/layers.json the chain IDs its rootfs uses (remove() refuses those)
 *
 * Importing a layer: `prepare(chainId, fill)` allocates <n>, calls `fill(dir)` (unpackLayer
 * into the empty dir) and commits. Concurrent prepares of one chain ID in this process share one
 * fill; across processes the first commit wins and the loser's copy is discarded. A crash in
 * the middle leaves an uncommitted <n> that no reader trusts; the next Snapshotter on this root
 * deletes it (unless its owner process is still alive).
 *
 * Running a container: `mountRootfs(chainIds, id, target)` mounts the image's snapshots
 * below a new upper; the container writes only there, and every container of an image shares
 * the same lower inodes. `unmountRootfs(id, target)` unmounts and deletes the upper. A
 * read-only view (`image mount`) has no upper; a single-layer read-only view is a read-only
 * bind mount, since overlay needs two lowers without an upper.
 *
 * Removing: `remove(chainId)` refuses a snapshot that a mounted rootfs uses; garbage
 * collection decides what is unreferenced.
 */
export class Snapshotter {
  private readonly snapshots: string;
  private readonly byChain: string;
  private readonly containers: string;
  private readonly inflight = new Map<string, Promise<string>>();
  private nextId: number;
  private readonly log: Logger;

  constructor(readonly root: string, log?: Logger) {
    this.root = path.resolve(root);
    this.snapshots = path.join(this.root, 'snapshots');
    this.byChain = path.join(this.snapshots, 'by-chain');
    this.containers = path.join(this.root, 'containers');
    this.log = (log ?? createLogger()).child({ component: 'snapshotter', root: this.root });
    fs.mkdirSync(this.byChain, { recursive: true, mode: 0o700 });
    fs.mkdirSync(this.containers, { recursive: true, mode: 0o700 });
    this.nextId = this.cleanUncommitted() + 1;
  }

  has(chainId: string): boolean {
    return fs.existsSync(this.linkPath(chainId));
  }

  /** The committed snapshot's directory; NotFoundError if there is none. */
  path(chainId: string): string {
    return path.join(this.snapshots, String(this.snapshotId(chainId)), 'fs');
  }

  prepare(chainId: string, fill: (dir: string) => Promise<void>): Promise<string> {
    this.linkPath(chainId); // validates
    if (this.has(chainId)) return Promise.resolve(this.path(chainId));
    let pending = this.inflight.get(chainId);
    if (pending === undefined) {
      pending = this.fillAndCommit(chainId, fill).finally(() => this.inflight.delete(chainId));
      this.inflight.set(chainId, pending);
    }
    return pending;
  }

  async mountRootfs(chainIdsBottomToTop: string[], containerId: string, target: string, opts: { readOnly?: boolean } = {}): Promise<void> {
    const dir = this.containerDir(containerId);
    const ids = chainIdsBottomToTop.map((c) => this.snapshotId(c));
    if (ids.length === 0) throw new BadRequestError('a rootfs needs at least one layer');
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileAtomic(path.join(dir, 'layers.json'), JSON.stringify(chainIdsBottomToTop));
    const abs = path.resolve(target);
    try {
      if (opts.readOnly && ids.length === 1) {
        this.syscall('bind mount', abs, () => bindMount(path.join(this.snapshots, String(ids[0]), 'fs'), abs, true));
        return;
      }
      let upper: { upperdir: string; workdir: string } | null = null;
      if (!opts.readOnly) {
        fs.mkdirSync(path.join(dir, 'upper'), { recursive: true, mode: 0o755 });
        fs.mkdirSync(path.join(dir, 'work'), { recursive: true, mode: 0o700 });
        const rel = path.relative(this.snapshots, dir);
        upper = { upperdir: `${rel}/upper`, workdir: `${rel}/work` };
      }
      // One system call when absolute paths fit in the page of mount data (nearly always:
      // snapshot names are short numbers); else mount(8) with relative paths, run in there.
      const direct = overlayData(ids, upper, `${this.snapshots}/`);
      if (direct.length <= MOUNT_DATA_MAX) this.syscall('mount overlay', abs, () => mountSyscall('overlay', abs, 'overlay', 0, direct));
      else await this.mount(['-t', 'overlay', 'overlay', '-o', overlayOptions(ids, upper), abs]);
    } catch (err) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw err;
    }
    this.log.debug({ containerId, target: abs, layers: ids.length, readOnly: !!opts.readOnly }, 'rootfs mounted');
  }

  /** Unmounts the rootfs (if mounted) and deletes the container's writable layer. Idempotent. */
  async unmountRootfs(containerId: string, target: string): Promise<void> {
    const dir = this.containerDir(containerId);
    const abs = path.resolve(target);
    if (isMounted(abs)) this.syscall('umount', abs, () => umount(abs));
    fs.rmSync(dir, { recursive: true, force: true });
  }

  async remove(chainId: string): Promise<void> {
    const link = this.linkPath(chainId);
    let id: number;
    try {
      id = this.snapshotId(chainId);
    } catch (err) {
      if (err instanceof NotFoundError) return;
      throw err;
    }
    const user = this.containerUsing(chainId);
    if (user !== null) throw new SnapshotInUseError(`snapshot ${chainId} is in use by container ${user}`);
    fs.unlinkSync(link); // untrusted from here on, even if the deletion below is interrupted
    await fs.promises.rm(path.join(this.snapshots, String(id)), { recursive: true, force: true });
  }

  async list(): Promise<string[]> {
    const names = await fs.promises.readdir(this.byChain);
    return names.filter((n) => /^[0-9a-f]{64}$/.test(n)).map((n) => `sha256:${n}`);
  }

  private async fillAndCommit(chainId: string, fill: (dir: string) => Promise<void>): Promise<string> {
    const id = this.allocate();
    const dir = path.join(this.snapshots, String(id));
    const fsDir = path.join(dir, 'fs');
    try {
      fs.mkdirSync(fsDir, 0o755);
      await fill(fsDir);
      try {
        fs.symlinkSync(`../${id}`, this.linkPath(chainId));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        this.log.debug({ chainId }, 'another process committed this snapshot first');
        fs.rmSync(dir, { recursive: true, force: true });
        return this.path(chainId);
      }
      fs.rmSync(path.join(dir, 'owner'), { force: true });
      this.log.debug({ chainId, id }, 'snapshot committed');
      return fsDir;
    } catch (err) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }

  /** mkdir is the allocation: it fails if another process took the number. */
  private allocate(): number {
    for (;;) {
      const id = this.nextId++;
      const dir = path.join(this.snapshots, String(id));
      try {
        fs.mkdirSync(dir, 0o700);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw err;
      }
      fs.writeFileSync(path.join(dir, 'owner'), String(process.pid));
      return id;
    }
  }

  /** Deletes uncommitted snapshot dirs of dead processes; returns the highest id seen. */
  private cleanUncommitted(): number {
    const committed = new Set<string>();
    for (const name of fs.readdirSync(this.byChain)) {
      try {
        committed.add(path.basename(fs.readlinkSync(path.join(this.byChain, name))));
      } catch {
        // not a link: ignore
      }
    }
    let max = 0;
    for (const name of fs.readdirSync(this.snapshots)) {
      if (!/^[0-9]+$/.test(name)) continue;
      max = Math.max(max, Number(name));
      if (committed.has(name)) continue;
      const owner = Number(readOrEmpty(path.join(this.snapshots, name, 'owner')));
      if (owner > 0 && owner !== process.pid && isAlive(owner)) continue;
      this.log.info({ snapshot: name }, 'removing uncommitted snapshot left by an interrupted unpack');
      fs.rmSync(path.join(this.snapshots, name), { recursive: true, force: true });
    }
    return max;
  }

  private snapshotId(chainId: string): number {
    let target: string;
    try {
      target = fs.readlinkSync(this.linkPath(chainId));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError(`snapshot ${chainId} not found`);
      throw err;
    }
    return Number(path.basename(target));
  }

  private containerUsing(chainId: string): string | null {
    for (const id of fs.readdirSync(this.containers)) {
      const layers = readOrEmpty(path.join(this.containers, id, 'layers.json'));
      if (layers !== '' && (JSON.parse(layers) as string[]).includes(chainId)) return id;
    }
    return null;
  }

  private linkPath(chainId: string): string {
    const m = CHAIN_ID.exec(chainId);
    if (!m) throw new BadRequestError(`invalid chain ID ${JSON.stringify(chainId)}`);
    return path.join(this.byChain, m[1]);
  }

  private containerDir(containerId: string): string {
    if (!CONTAINER_ID.test(containerId)) throw new BadRequestError(`invalid container ID ${JSON.stringify(containerId)}`);
    return path.join(this.containers, containerId);
  }

  /** Runs mount(8) in the snapshots directory, where the overlay's relative lowerdirs resolve. */
  private syscall(what: string, target: string, call: () => void): void {
    try {
      call();
    } catch (err) {
      throw new MountError(`${what} ${target}: ${errorMessage(err)}`, { cause: err });
    }
  }

  private async mount(args: string[]): Promise<void> {
    try {
      await run('mount', args, { cwd: this.snapshots });
    } catch (err) {
      throw new MountError(`mount ${args.join(' ')}: ${stderrOf(err)}`, { cause: err });
    }
  }
}

function isMounted(abs: string): boolean {
  let real: string;
  try {
    real = fs.realpathSync(abs);
  } catch {
    return false;
  }
  return mountPoints(fs.readFileSync('/proc/self/mountinfo', 'utf8')).includes(real);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOrEmpty(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return '';
  }
}

function writeFileAtomic(file: string, data: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

function stderrOf(err: unknown): string {
  const e = err as { stderr?: string; message?: string };
  return (e.stderr ?? '').trim() || (e.message ?? String(err));
}
