// Pure parsers that find what a node host left behind: pod netns, mounts, container monitors.

/** Names of the netns that veths in a node's netns peer with (`ip -o link show type veth`). */
export function vethPeerNetns(output: string): string[] {
  const names = new Set<string>();
  for (const m of output.matchAll(/\blink-netns\s+(\S+)/g)) names.add(m[1] ?? '');
  names.delete('');
  return [...names];
}

/** Decodes the octal escapes of /proc/self/mountinfo (`\040` for a space). */
function unescapeMountPath(p: string): string {
  return p.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** Mount points at or below `dir`, deepest first (the order they can be unmounted in). */
export function mountsUnder(mountinfo: string, dir: string): string[] {
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  const points = mountinfo
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((p): p is string => p !== undefined)
    .map(unescapeMountPath)
    .filter((p) => p === dir || p.startsWith(prefix));
  return [...new Set(points)].sort((a, b) => b.split('/').length - a.split('/').length || b.localeCompare(a));
}

/** PIDs whose command line names a path under `root`: conmon (-b bundle, -p pidfile) and runtime calls. */
export function processesUnder(procs: { pid: number; argv: string[] }[], root: string, self: number): number[] {
  const prefix = root.endsWith('/') ? root : `${root}/`;
  return procs
    .filter((p) => p.pid !== self && p.argv.some((a) => a.startsWith(prefix) || a.includes(`=${prefix}`)))
    .map((p) => p.pid);
}
