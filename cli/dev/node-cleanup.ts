import * as fs from 'node:fs';
import { createLogger } from '../../lib/log';
import { waitUntil } from '../../lib/servers/process';
import { run, runQuiet } from './exec';
import { netnsExists } from './host-network';
import { signal } from './launcher';
import { mountsUnder, processesUnder, vethPeerNetns } from './node-leftovers';
import { readCmdline } from './proc-identity';
import type { NodeHost } from './topology';

const log = createLogger({ component: 'dev', step: 'cleanup' });

function allProcesses(): { pid: number; argv: string[] }[] {
  return fs
    .readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .map((e) => ({ pid: Number(e), argv: readCmdline(Number(e)) ?? [] }));
}

/** The pod netns whose veths hang off this node's CNI bridge. */
export async function podNetnsOf(node: NodeHost): Promise<string[]> {
  if (!netnsExists(node)) return [];
  const out = await run(['ip', '-n', node.netns, '-o', 'link', 'show', 'type', 'veth']);
  return vethPeerNetns(out).filter((n) => n !== node.netns);
}

/**
 * Kills what a node's agent left running once the agent itself is gone: container monitors
 * and runtime calls naming the node root, then every process inside the node's pod netns
 * (the containers), then the pod netns themselves.
 */
export async function killNodeContainers(node: NodeHost): Promise<void> {
  const podNetns = await podNetnsOf(node);
  for (const pid of processesUnder(allProcesses(), node.root, process.pid)) signal(pid, 'SIGKILL');
  for (const ns of podNetns) {
    const pids = (await run(['ip', 'netns', 'pids', ns]).catch(() => '')).split('\n').filter((l) => /^\d+$/.test(l));
    for (const pid of pids) signal(Number(pid), 'SIGKILL');
    await runQuiet(['ip', 'netns', 'delete', ns]);
  }
  log.debug({ node: node.name, podNetns: podNetns.length }, 'node containers killed');
}

/** Cgroup directories at and below `dir`, children before parents. */
function cgroupTree(dir: string): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return [...entries.filter((e) => e.isDirectory()).flatMap((e) => cgroupTree(`${dir}/${e.name}`)), dir];
}

/**
 * Removes the node's cgroup parent (its own, see NodeHost.cgroupParent) with every pod and
 * container cgroup below it, in each hierarchy: nobody ran `runtime delete` for the killed
 * containers. A cgroup empties a moment after its last process is killed, hence the retries.
 */
export async function removeNodeCgroups(node: NodeHost, root = '/sys/fs/cgroup'): Promise<void> {
  const hierarchies = [root, ...fs.readdirSync(root).map((h) => `${root}/${h}`)];
  for (const dir of hierarchies.flatMap((h) => cgroupTree(`${h}/${node.cgroupParent}`))) {
    const removed = (): boolean => {
      try {
        fs.rmdirSync(dir);
        return true;
      } catch (err) {
        // EBUSY: processes still leaving; ENOENT: gone already (a symlinked hierarchy seen twice)
        return (err as NodeJS.ErrnoException).code === 'ENOENT';
      }
    };
    await waitUntil(removed, 3000, `cgroup ${dir} removed`).catch(() => log.warn({ dir }, 'cgroup left behind: still busy'));
  }
}

/** Unmounts everything mounted under `dir` (rootfs overlays, pod volumes), deepest first. */
export async function unmountUnder(dir: string): Promise<string[]> {
  const points = mountsUnder(fs.readFileSync('/proc/self/mountinfo', 'utf8'), dir);
  for (const p of points) {
    // A mount still busy (a process we could not kill yet) is detached lazily rather than left.
    if (!(await runQuiet(['umount', p]))) await runQuiet(['umount', '-l', p]);
  }
  return points;
}
