// Named network namespaces (as `ip netns add|delete` makes them) without an ip(8) process: the
// namespace is created on the calling thread, pinned by a bind mount of its nsfs file, and the
// thread returns to its own namespace before any other code runs.
import * as fs from 'node:fs';
import * as path from 'node:path';
import koffi from 'koffi';
import { BerthError } from '../../lib/errors';
import { libc, sysError } from './libc';
import { MNT_DETACH, MS_BIND, ensureSharedMount, mount, umount } from './mount';

const unshareFn = libc.func('int unshare(int flags)');
const setnsFn = libc.func('int setns(int fd, int nstype)');
const socketFn = libc.func('int socket(int domain, int type, int protocol)');
const closeFn = libc.func('int close(int fd)');
const ioctlFn = libc.func('int ioctl(int fd, unsigned long request, _Inout_ uint8_t *arg)');

const CLONE_NEWNET = 0x40000000;
const AF_INET = 2;
const SOCK_DGRAM = 2;
const SIOCGIFFLAGS = 0x8913;
const SIOCSIFFLAGS = 0x8914;
const IFF_UP = 0x1;
/** struct ifreq: 16 bytes of name, then a union whose first member is short ifr_flags. */
const IFREQ_SIZE = 40;

/** The thread's network namespace could not be restored: nothing on this thread can be trusted. */
export class NetnsRestoreError extends BerthError {}

/** Sets IFF_UP on `lo` through a socket of the current network namespace. */
function loopbackUp(): void {
  const fd = socketFn(AF_INET, SOCK_DGRAM, 0) as number;
  if (fd < 0) throw sysError('socket', 'lo');
  try {
    const req = Buffer.alloc(IFREQ_SIZE);
    req.write('lo', 0, 'latin1');
    if (ioctlFn(fd, SIOCGIFFLAGS, req) !== 0) throw sysError('ioctl SIOCGIFFLAGS', 'lo');
    req.writeUInt16LE(req.readUInt16LE(16) | IFF_UP, 16);
    if (ioctlFn(fd, SIOCSIFFLAGS, req) !== 0) throw sysError('ioctl SIOCSIFFLAGS', 'lo');
  } finally {
    closeFn(fd);
  }
}

/**
 * Creates a new network namespace pinned at `nsPath` (e.g. /var/run/netns/NAME) with its
 * loopback up (what CNI's loopback plugin does). Synchronous: between unshare and setns back
 * no other code of this process runs on this thread.
 */
export function createNetns(nsPath: string): void {
  // Shared, so namespaces pinned later also show in mount namespaces made before (the runtime's).
  ensureSharedMount(path.dirname(nsPath));
  fs.closeSync(fs.openSync(nsPath, fs.constants.O_RDONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0));
  const home = fs.openSync('/proc/thread-self/ns/net', 'r');
  try {
    if (unshareFn(CLONE_NEWNET) !== 0) throw sysError('unshare', nsPath);
    let failure: unknown;
    try {
      mount('/proc/thread-self/ns/net', nsPath, null, MS_BIND, null);
      loopbackUp();
    } catch (err) {
      failure = err;
    }
    if (setnsFn(home, CLONE_NEWNET) !== 0) throw new NetnsRestoreError(`setns back to the agent's network namespace: errno ${koffi.errno()}`);
    if (failure !== undefined) throw failure;
  } catch (err) {
    if (err instanceof NetnsRestoreError) throw err;
    deleteNetns(nsPath);
    throw err;
  } finally {
    fs.closeSync(home);
  }
}

/** Unpins and removes a namespace made by createNetns (or ip netns add); a missing one is fine. */
export function deleteNetns(nsPath: string): void {
  try {
    umount(nsPath, MNT_DETACH);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // EINVAL: not a mount point (a half-made namespace); ENOENT: already gone.
    if (code !== 'EINVAL' && code !== 'ENOENT') throw err;
  }
  fs.rmSync(nsPath, { force: true });
}
