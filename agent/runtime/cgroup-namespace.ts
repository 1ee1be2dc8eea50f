// crun refuses hybrid cgroup hosts unless /sys/fs/cgroup/unified is out of sight. Instead of a
// private mount namespace per create (sh → unshare → sh → umount → crun, five execs per pod),
// the agent makes ONE such namespace when it first needs it and keeps it alive by an open file
// descriptor to its nsfs file; conmon is started inside it with `nsenter --mount`.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import type { Logger } from '../../lib/log';
import { MNT_DETACH, ensureSharedMount, umount } from '../syscall/mount';
import { RuntimeError } from './container-runtime';

const NETNS_DIR = '/var/run/netns';

export interface CgroupNamespaceOptions {
  /**
   * Directories whose mounts made later (rootfs overlays, emptyDir tmpfs) containers must see:
   * made shared mounts before the namespace is copied with slave propagation.
   */
  sharedDirs: string[];
  log: Logger;
}

/** A mount namespace without /sys/fs/cgroup/unified that receives the host's later mounts. */
export interface CgroupNamespace {
  /** A path nsenter --mount accepts (this process's descriptor of the namespace). */
  readonly path: string;
  close(): void;
}

/** Whether mountinfo shows `dir` as a bind of itself (as ensureSharedMount makes it) (pure). */
export function isSelfBind(mountinfo: string, dir: string): boolean {
  return mountinfo.split('\n').some((l) => {
    const f = l.split(' ');
    return f[3] === dir && f[4] === dir;
  });
}

/** Whether mountinfo has mounts strictly below `dir` (pure). */
export function hasMountsBelow(mountinfo: string, dir: string): boolean {
  return mountinfo.split('\n').some((l) => l.split(' ')[4]?.startsWith(`${dir}/`));
}

/**
 * Copies this mount namespace (slave propagation, so mounts the agent makes later under the
 * shared directories and /var/run/netns show in it), unmounts the cgroup2 hierarchy there and
 * keeps a descriptor: the namespace lives as long as this process or a conmon in it.
 */
export async function openCgroupNamespace(o: CgroupNamespaceOptions): Promise<CgroupNamespace> {
  const bound = o.sharedDirs.filter((dir) => ensureSharedMount(dir));
  ensureSharedMount(NETNS_DIR);
  // The copy waits on its stdin once ready, so its nsfs file can be opened before it exits.
  const script = 'umount /sys/fs/cgroup/unified || exit 1; echo ready; read _';
  const child = spawn('unshare', ['--mount', '--propagation', 'slave', '/bin/sh', '-c', script], { stdio: ['pipe', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const ready = await new Promise<boolean>((resolve) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve(true));
    child.once('error', () => resolve(false));
    child.once('close', () => resolve(false));
  });
  let fd: number | undefined;
  try {
    if (ready && child.pid !== undefined) fd = fs.openSync(`/proc/${child.pid}/ns/mnt`, 'r');
  } finally {
    child.stdin.end();
    await exited;
  }
  if (fd === undefined) throw new RuntimeError(`private cgroup mount namespace: ${stderr.trim() || 'unshare failed'}`);
  const nsFd = fd;
  o.log.info({ fd: nsFd, sharedDirs: o.sharedDirs }, 'mount namespace without /sys/fs/cgroup/unified made for crun');
  return {
    path: `/proc/${process.pid}/fd/${nsFd}`,
    close: () => {
      fs.closeSync(nsFd);
      // The self-binds go once no pod mount is left under them (containers still running keep
      // theirs until a later agent removes them; it finds the directory shared already).
      const mountinfo = fs.readFileSync('/proc/self/mountinfo', 'utf8');
      for (const dir of o.sharedDirs) {
        if (!(bound.includes(dir) || isSelfBind(mountinfo, dir)) || hasMountsBelow(mountinfo, dir)) continue;
        try {
          umount(dir, MNT_DETACH);
        } catch (err) {
          o.log.warn({ dir, err: String(err) }, 'could not unmount the shared bind of the agent root');
        }
      }
    },
  };
}
