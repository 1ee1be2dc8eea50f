// Test support: a minimal root filesystem from Debian's static busybox, so runtime tests do not
// depend on image pulling.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const TEST_PASSWD = 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\napp:x:1000:1000:app:/home/app:/bin/sh\n';
export const TEST_GROUP = 'root:x:0:\nnogroup:x:65534:\napp:x:1000:\n';

/** Builds <dir> as a busybox rootfs (applets as symlinks in /bin) and returns dir. */
export function buildBusyboxRootfs(dir: string): string {
  for (const d of ['bin', 'etc', 'proc', 'sys', 'dev', 'tmp', 'root', 'home/app', 'var/www', 'data']) fs.mkdirSync(path.join(dir, d), { recursive: true });
  fs.copyFileSync('/bin/busybox', path.join(dir, 'bin/busybox'));
  fs.chmodSync(path.join(dir, 'bin/busybox'), 0o755);
  const applets = execFileSync('/bin/busybox', ['--list'], { encoding: 'utf8' }).split('\n').filter((a) => a && a !== 'busybox');
  for (const a of applets) fs.symlinkSync('busybox', path.join(dir, 'bin', a));
  fs.writeFileSync(path.join(dir, 'etc/passwd'), TEST_PASSWD);
  fs.writeFileSync(path.join(dir, 'etc/group'), TEST_GROUP);
  fs.chmodSync(path.join(dir, 'tmp'), 0o1777);
  return dir;
}

/** Removes a test's (empty) parent cgroup from every hierarchy, the hybrid unified one included. */
export function removeCgroupParent(name: string): void {
  for (const hierarchy of fs.readdirSync('/sys/fs/cgroup')) {
    try {
      fs.rmdirSync(path.join('/sys/fs/cgroup', hierarchy, name));
    } catch {
      // absent in this hierarchy
    }
  }
}
