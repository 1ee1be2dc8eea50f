import * as fs from 'node:fs';
import { errorMessage } from '../../lib/errors';
import { MountError } from '../snapshot/snapshotter';
import { mountPoints } from '../snapshot/mount-table';
import { MNT_DETACH, mount, umount } from '../syscall/mount';

/** Mount points at or below `dir`, deepest first (the order they unmount in). */
export function mountsUnder(dir: string): string[] {
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  const points = mountPoints(fs.readFileSync('/proc/self/mountinfo', 'utf8')).filter((p) => p === dir || p.startsWith(prefix));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

export function mountTmpfs(target: string, sizeBytes?: number): Promise<void> {
  const opts = ['mode=0777', ...(sizeBytes ? [`size=${sizeBytes}`] : [])].join(',');
  try {
    mount('tmpfs', target, 'tmpfs', 0, opts);
  } catch (err) {
    return Promise.reject(new MountError(`mount tmpfs on ${target}: ${errorMessage(err)}`, { cause: err }));
  }
  return Promise.resolve();
}

/** Unmounts everything at or below `dir`; a busy mount is detached lazily rather than left. */
export function unmountUnder(dir: string): Promise<void> {
  for (const p of mountsUnder(dir)) {
    try {
      umount(p);
    } catch (err) {
      try {
        umount(p, MNT_DETACH);
      } catch {
        return Promise.reject(new MountError(`umount ${p}: ${errorMessage(err)}`, { cause: err }));
      }
    }
  }
  return Promise.resolve();
}
