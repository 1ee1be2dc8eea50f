import * as fs from 'node:fs';
import { createLogger } from '../../lib/log';
import { waitUntil } from '../../lib/servers/process';
import { run, runQuiet } from './exec';
import { signal } from './launcher';
import { cgroupDirsToRemove, cgroupPlaces, mountsUnder, processesUnder, vethPeerNetns, type CgroupPlace } from './node-leftovers';
import { readCmdline } from './proc-identity';
import { netnsExists } from './host-network';
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
  const cgroups: CgroupPlace[] = [];
  for (const ns of podNetns) {
    const pids = (await run(['ip', 'netns', 'pids', ns]).catch(() => '')).split('\n').filter((l) => /^\d+$/.test(l)).map(Number);
    // Where the containers sit, read before they die: nobody runs `runtime delete` for them now.
    for (const pid of pids) cgroups.push(...cgroupPlaces(readFileOr(`/proc/${pid}/cgroup`), { hybrid: fs.existsSync('/sys/fs/cgroup/unified') }));
    for (const pid of pids) signal(pid, 'SIGKILL');
    await runQuiet(['ip', 'netns', 'delete', ns]);
  }
  await removeCgroups(cgroups);
  log.debug({ node: node.name, podNetns: podNetns.length, cgroups: cgroups.length }, 'node containers killed');
}

function readFileOr(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** rmdir of emptied container and pod cgroups; a cgroup empties a moment after its last process is killed. */
async function removeCgroups(places: CgroupPlace[]): Promise<void> {
  const dirs = [...new Set(places.flatMap(cgroupDirsToRemove))].sort((a, b) => b.length - a.length);
  for (const dir of dirs) {
    await waitUntil(() => readFileOr(`${dir}/cgroup.procs`).trim() === '', 2000, `cgroup ${dir} to empty`).catch(() => undefined);
    try {
      fs.rmdirSync(dir);
    } catch {
      // gone already, or still holds another pod of a node that stays: not ours to force
    }
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
