export type CgroupVersion = 'v1' | 'v2';

/**
 * The cgroup version containers get, from the text of /proc/mounts (or /proc/self/mounts).
 * A cgroup2 mount at /sys/fs/cgroup itself is the unified hierarchy (v2). Any v1 controller
 * mounted means v1, also in "hybrid" mode where cgroup2 sits at /sys/fs/cgroup/unified
 * beside the v1 controllers (the unified one then only tracks processes).
 */
export function detectCgroupVersion(procMountsText: string): CgroupVersion {
  let v1 = false;
  for (const line of procMountsText.split('\n')) {
    const [, mountPoint, fsType] = line.split(' ');
    if (fsType === 'cgroup2' && mountPoint === '/sys/fs/cgroup') return 'v2';
    if (fsType === 'cgroup') v1 = true;
  }
  if (v1) return 'v1';
  // Nothing mounted at all: modern kernels and runtimes default to v2.
  return 'v2';
}

/**
 * True when cgroup v1 controllers are mounted and a cgroup2 hierarchy at
 * /sys/fs/cgroup/unified also has controllers enabled: crun refuses to run there
 * ("cgroups in hybrid mode not supported").
 */
export function isHybridWithControllers(procMountsText: string, unifiedControllersText: string): boolean {
  const hasUnified = procMountsText.split('\n').some((l) => {
    const [, mountPoint, fsType] = l.split(' ');
    return fsType === 'cgroup2' && mountPoint === '/sys/fs/cgroup/unified';
  });
  return detectCgroupVersion(procMountsText) === 'v1' && hasUnified && unifiedControllersText.trim() !== '';
}

/** The `oom_kill N` count of a v1 memory.oom_control or v2 memory.events file (0 if absent). */
export function parseOomKillCount(text: string): number {
  const m = /^oom_kill (\d+)$/m.exec(text);
  return m ? Number(m[1]) : 0;
}
