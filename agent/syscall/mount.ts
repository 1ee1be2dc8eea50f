// mount(2) and umount2(2): one system call instead of a mount(8)/umount(8) process per rootfs.
import * as fs from 'node:fs';
import { libc, sysError } from './libc';

const mountFn = libc.func('int mount(const char *source, const char *target, const char *fstype, unsigned long flags, const char *data)');
const umount2Fn = libc.func('int umount2(const char *target, int flags)');

export const MS_RDONLY = 0x1;
export const MS_REMOUNT = 0x20;
export const MS_BIND = 0x1000;
export const MNT_DETACH = 0x2;
const MS_REC = 0x4000;
const MS_SHARED = 1 << 20;

export function mount(source: string, target: string, fstype: string | null, flags: number, data: string | null): void {
  if (mountFn(source, target, fstype, flags, data) !== 0) throw sysError('mount', target);
}

/** A bind mount; read-only takes a second call (the kernel ignores MS_RDONLY on the first). */
export function bindMount(source: string, target: string, readOnly: boolean): void {
  mount(source, target, null, MS_BIND, null);
  if (readOnly) mount(source, target, null, MS_BIND | MS_REMOUNT | MS_RDONLY, null);
}

export function umount(target: string, flags = 0): void {
  if (umount2Fn(target, flags) !== 0) throw sysError('umount2', target);
}

/**
 * Makes `dir` a shared mount, as ip(8) does for /var/run/netns, so mounts made under it later
 * also show in mount namespaces copied from this one with slave propagation. A directory that
 * is no mount point yet is bind-mounted onto itself first; returns whether that bind was made.
 */
export function ensureSharedMount(dir: string): boolean {
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  try {
    mount('none', dir, null, MS_SHARED | MS_REC, null);
    return false;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EINVAL') throw err;
  }
  mount(dir, dir, null, MS_BIND | MS_REC, null);
  mount('none', dir, null, MS_SHARED | MS_REC, null);
  return true;
}
