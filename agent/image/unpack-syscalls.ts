// The system calls unpacking needs that Node lacks (mknod, lsetxattr), through koffi FFI.
import { libc, sysError } from '../syscall/libc';

const mknodFn = libc.func('int mknod(const char *path, uint32_t mode, uint64_t dev)');
const lsetxattrFn = libc.func('int lsetxattr(const char *path, const char *name, const void *value, size_t size, int flags)');

export const S_IFIFO = 0o010000;
export const S_IFCHR = 0o020000;
export const S_IFBLK = 0o060000;

/** glibc's makedev: the 64-bit dev_t layout Linux uses. */
export function makedev(major: number, minor: number): bigint {
  const ma = BigInt(major);
  const mi = BigInt(minor);
  return ((ma & 0xfffn) << 8n) | ((ma & ~0xfffn) << 32n) | (mi & 0xffn) | ((mi & ~0xffn) << 12n);
}

/** Creates a device node or fifo. The mode is filtered by the umask: chmod afterwards. */
export function mknod(path: string, typeAndMode: number, dev: bigint): void {
  if (mknodFn(path, typeAndMode, dev) !== 0) throw sysError('mknod', path);
}

/** Sets an extended attribute on the link itself (never follows a symlink), value as raw bytes. */
export function lsetxattr(path: string, name: string, value: Buffer): void {
  if (lsetxattrFn(path, name, value, value.length, 0) !== 0) throw sysError('lsetxattr', path);
}
