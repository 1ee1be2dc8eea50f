// Writes tar entries into a layer directory for an overlay snapshot: never follows a symlink,
// never writes outside the root, turns OCI whiteouts into overlay whiteouts.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Logger } from '../../lib/log';
import { LayerFormatError, LayerLimitError, UnsafeLayerError } from './unpack-errors';
import { isReservedXattr, layerPath, whiteoutKind, type LayerPath } from './unpack-paths';
import { lsetxattr, makedev, mknod, S_IFBLK, S_IFCHR, S_IFIFO } from './unpack-syscalls';
import type { TarHeader } from './unpack-tar-header';

const OPEN_NEW = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW;
const OPAQUE_XATTR = 'trusted.overlay.opaque';

export interface LayerWriterLimits {
  maxFileSize: number;
  maxPathLength: number;
}

/**
 * Applies the entries of one layer, in tar order, to an empty directory. Directory mtimes are
 * set by `finish()`, after their contents stop changing them.
 *
 * Safety: every parent component is lstat'ed (or was created by this writer) and must be a real
 * directory; files are created with O_EXCL|O_NOFOLLOW; hardlink targets must resolve inside the
 * root without crossing a symlink. A layer that breaks any of this fails with UnsafeLayerError.
 */
export class LayerWriter {
  /** Relative paths known to be real directories: created or checked by us. */
  private readonly dirs = new Set<string>(['']);
  private readonly dirTimes = new Map<string, number>();

  constructor(
    private readonly root: string,
    private readonly limits: LayerWriterLimits,
    private readonly log: Logger,
  ) {}

  async apply(h: TarHeader, body: AsyncIterable<Buffer>): Promise<void> {
    const p = layerPath(h.name, this.limits.maxPathLength);
    const wh = whiteoutKind(p);
    switch (wh.kind) {
      case 'opaque':
        this.ensureDir(wh.dir, h.name);
        lsetxattr(this.abs(wh.dir), OPAQUE_XATTR, Buffer.from('y'));
        return;
      case 'whiteout':
        this.ensureParents(wh.path, h.name);
        this.clear(wh.path, false);
        mknod(this.abs(wh.path), S_IFCHR, makedev(0, 0));
        return;
      case 'aufs-meta':
        return;
      case 'none':
        break;
    }
    if (p.length === 0) {
      if (h.type !== 'dir') throw new UnsafeLayerError(`entry ${h.name} would replace the layer root with a ${h.type}`);
      this.setMeta(p, h);
      this.dirTimes.set('', h.mtime);
      return;
    }
    this.ensureParents(p, h.name);
    const abs = this.abs(p);
    const keepDir = this.clear(p, h.type === 'dir');
    switch (h.type) {
      case 'dir':
        if (!keepDir) fs.mkdirSync(abs, 0o700);
        this.dirs.add(p.join('/'));
        this.dirTimes.set(p.join('/'), h.mtime);
        this.setMeta(p, h);
        return;
      case 'file':
        await this.writeFile(abs, h, body);
        return;
      case 'symlink':
        fs.symlinkSync(h.linkname, abs);
        fs.lchownSync(abs, h.uid, h.gid);
        this.setXattrs(abs, h);
        fs.lutimesSync(abs, h.mtime, h.mtime);
        return;
      case 'hardlink':
        fs.linkSync(this.hardlinkTarget(h), abs);
        return;
      case 'char':
      case 'block':
      case 'fifo': {
        const kind = h.type === 'char' ? S_IFCHR : h.type === 'block' ? S_IFBLK : S_IFIFO;
        mknod(abs, kind | 0o600, h.type === 'fifo' ? 0n : makedev(h.devmajor, h.devminor));
        this.setMeta(p, h);
        return;
      }
    }
  }

  /** Sets directory mtimes, deepest first, now that nothing will add to them. */
  finish(): void {
    const byDepth = [...this.dirTimes].sort((a, b) => depth(b[0]) - depth(a[0]));
    for (const [rel, mtime] of byDepth) fs.lutimesSync(rel === '' ? this.root : path.join(this.root, rel), mtime, mtime);
  }

  private async writeFile(abs: string, h: TarHeader, body: AsyncIterable<Buffer>): Promise<void> {
    if (h.size > this.limits.maxFileSize) throw new LayerLimitError(`file ${h.name} of ${h.size} bytes exceeds the limit of ${this.limits.maxFileSize}`);
    const fd = fs.openSync(abs, OPEN_NEW, 0o600);
    try {
      for await (const chunk of body) {
        for (let off = 0; off < chunk.length; ) off += fs.writeSync(fd, chunk, off, chunk.length - off);
      }
      fs.fchownSync(fd, h.uid, h.gid);
      fs.fchmodSync(fd, h.mode & 0o7777); // after chown, which clears setuid/setgid
      this.setXattrs(abs, h); // after chown, which drops security.capability
      fs.futimesSync(fd, h.mtime, h.mtime);
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Owner, then mode, then xattrs, then times: each step would undo part of an earlier one. */
  private setMeta(p: LayerPath, h: TarHeader): void {
    const abs = this.abs(p);
    fs.lchownSync(abs, h.uid, h.gid);
    fs.chmodSync(abs, h.mode & 0o7777); // abs is a dir or node we just checked or made, not a symlink
    this.setXattrs(abs, h);
    if (h.type !== 'dir') fs.lutimesSync(abs, h.mtime, h.mtime);
  }

  private setXattrs(abs: string, h: TarHeader): void {
    for (const [name, value] of h.xattrs) {
      if (isReservedXattr(name)) {
        this.log.warn({ entry: h.name, xattr: name }, 'dropping reserved overlay xattr from layer entry');
        continue;
      }
      lsetxattr(abs, name, value);
    }
  }

  private hardlinkTarget(h: TarHeader): string {
    if (h.linkname.startsWith('/')) throw new UnsafeLayerError(`hardlink ${h.name} points to absolute path ${h.linkname} outside the layer root`);
    let target: LayerPath;
    try {
      target = layerPath(h.linkname, this.limits.maxPathLength);
    } catch (err) {
      if (err instanceof UnsafeLayerError) throw new UnsafeLayerError(`hardlink ${h.name} points to ${h.linkname} outside the layer root`);
      throw err;
    }
    if (target.length === 0) throw new UnsafeLayerError(`hardlink ${h.name} points to the layer root`);
    for (let i = 1; i < target.length; i++) {
      const rel = target.slice(0, i);
      if (this.dirs.has(rel.join('/'))) continue;
      const st = lstatOrNull(this.abs(rel));
      if (st?.isSymbolicLink()) throw new UnsafeLayerError(`hardlink ${h.name} points through symlink ${rel.join('/')}`);
      if (!st?.isDirectory()) throw new LayerFormatError(`hardlink ${h.name} points to ${h.linkname}, which is not in this layer`);
    }
    const abs = this.abs(target);
    const st = lstatOrNull(abs);
    if (st === null) throw new LayerFormatError(`hardlink ${h.name} points to ${h.linkname}, which is not in this layer`);
    if (st.isDirectory()) throw new LayerFormatError(`hardlink ${h.name} points to directory ${h.linkname}`);
    return abs;
  }

  /** Makes sure every parent of `p` is a real directory, creating missing ones (0755, root). */
  private ensureParents(p: LayerPath, name: string): void {
    for (let i = 1; i < p.length; i++) this.ensureDirAt(p.slice(0, i), name);
  }

  private ensureDir(p: LayerPath, name: string): void {
    this.ensureParents(p, name);
    if (p.length > 0) this.ensureDirAt(p, name);
  }

  private ensureDirAt(rel: LayerPath, name: string): void {
    const key = rel.join('/');
    if (this.dirs.has(key)) return;
    const abs = this.abs(rel);
    const st = lstatOrNull(abs);
    if (st === null) fs.mkdirSync(abs, 0o755);
    else if (st.isSymbolicLink()) throw new UnsafeLayerError(`entry ${name} passes through symlink ${key}`);
    else if (!st.isDirectory()) throw new LayerFormatError(`entry ${name} needs ${key} to be a directory, but the layer made it a file`);
    this.dirs.add(key);
  }

  /**
   * Removes whatever an earlier entry of this layer left at `p`, except that a directory stays
   * when a directory replaces it (tar's merge semantics). Returns whether a directory was kept.
   */
  private clear(p: LayerPath, wantDir: boolean): boolean {
    const abs = this.abs(p);
    const st = lstatOrNull(abs);
    if (st === null) return false;
    if (st.isDirectory()) {
      if (wantDir) return true;
      fs.rmSync(abs, { recursive: true });
      const key = p.join('/');
      for (const d of this.dirs) if (d === key || d.startsWith(key + '/')) this.dirs.delete(d);
      for (const d of this.dirTimes.keys()) if (d === key || d.startsWith(key + '/')) this.dirTimes.delete(d);
      return false;
    }
    fs.unlinkSync(abs);
    return false;
  }

  private abs(p: LayerPath): string {
    return p.length === 0 ? this.root : path.join(this.root, ...p);
  }
}

function lstatOrNull(abs: string): fs.Stats | null {
  try {
    return fs.lstatSync(abs);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

function depth(rel: string): number {
  return rel === '' ? 0 : rel.split('/').length;
}
