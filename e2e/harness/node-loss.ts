import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PodNetwork } from '../../agent/network/pod-network';
import { signal } from '../../cli/dev/launcher';
import { podNetnsOf } from '../../cli/dev/node-cleanup';
import { mountsUnder, processesUnder } from '../../cli/dev/node-leftovers';
import { readCmdline } from '../../cli/dev/proc-identity';
import type { ProcessRecord } from '../../cli/dev/state';
import type { NodeHost } from '../../cli/dev/topology';

function allProcesses(): { pid: number; argv: string[] }[] {
  return fs
    .readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .map((e) => ({ pid: Number(e), argv: readCmdline(Number(e)) ?? [] }));
}

/** What runs or is mounted for a node's pods: the returning agent must clear what it no longer runs. */
export interface NodeRemnants {
  /** Pod network namespaces, not counting the agent's ready pool sandboxes (`--sandbox-pool`). */
  podNetns: string[];
  /** Mount points under the node root (pod rootfs overlays, volumes). */
  mounts: string[];
  /** Container monitors and runtime calls naming the node root (the agent itself names only the root). */
  monitors: number[];
  /** Processes inside the pod netns (the containers). */
  containers: number[];
}

export async function nodeRemnants(node: NodeHost): Promise<NodeRemnants> {
  const pooled = new Set(PodNetwork.pooledNetns(path.join(node.root, 'network')));
  const podNetns = (await podNetnsOf(node)).filter((ns) => !pooled.has(ns));
  const containers = podNetns.flatMap((ns) => {
    try {
      return execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).split('\n').filter((l) => /^\d+$/.test(l)).map(Number);
    } catch {
      return [];
    }
  });
  return {
    podNetns,
    mounts: mountsUnder(fs.readFileSync('/proc/self/mountinfo', 'utf8'), node.root),
    monitors: processesUnder(allProcesses(), node.root, process.pid),
    containers,
  };
}

/**
 * A node host dies the hard way: its agent and every container process SIGKILLed, its link
 * to the bridge down. What the dead processes held (pod netns, rootfs mounts, runtime state)
 * stays behind, as after a power cut that kept the disk.
 */
export async function crashNode(node: NodeHost, agent: ProcessRecord): Promise<void> {
  signal(agent.pid, 'SIGKILL');
  const r = await nodeRemnants(node);
  for (const pid of [...r.monitors, ...r.containers]) signal(pid, 'SIGKILL');
  execFileSync('ip', ['link', 'set', node.hostVeth, 'down']);
}
