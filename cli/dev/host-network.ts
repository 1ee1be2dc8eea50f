import * as fs from 'node:fs';
import { missingRoutes, parseRoutes, type Route } from './routes';
import { run, runQuiet } from './exec';
import type { DevSettings, NodeHost } from './topology';

async function linkExists(name: string, netns?: string): Promise<boolean> {
  return runQuiet([...ip(netns), 'link', 'show', 'dev', name]);
}

function ip(netns?: string): string[] {
  return netns === undefined ? ['ip'] : ['ip', '-n', netns];
}

/** Adds `cidr` to `dev` unless it is already there (`ip addr add` is not idempotent). */
async function ensureAddress(dev: string, cidr: string, netns?: string): Promise<void> {
  const out = await run([...ip(netns), '-4', '-o', 'addr', 'show', 'dev', dev]);
  if (!out.split(/\s+/).includes(cidr)) await run([...ip(netns), 'addr', 'add', cidr, 'dev', dev]);
}

/** The host bridge the nodes' veths attach to, with the host's address on it. */
export async function ensureBridge(s: DevSettings): Promise<void> {
  if (!(await linkExists(s.bridge))) await run(['ip', 'link', 'add', s.bridge, 'type', 'bridge']);
  await ensureAddress(s.bridge, s.bridgeCidr);
  await run(['ip', 'link', 'set', s.bridge, 'up']);
}

export async function deleteBridge(s: DevSettings): Promise<void> {
  // Routes via the bridge go with it.
  await runQuiet(['ip', 'link', 'del', s.bridge]);
}

export function netnsExists(node: NodeHost): boolean {
  return fs.existsSync(node.netnsPath);
}

/**
 * A node host: netns with lo up, a veth whose host end sits on the bridge and whose node end
 * is eth0 with the node's address, default route via the host. Each step checks first, so a
 * half-made node (crash, earlier failure) is completed rather than duplicated.
 */
export async function ensureNodeNetwork(s: DevSettings, node: NodeHost, hostIp: string): Promise<void> {
  if (!netnsExists(node)) await run(['ip', 'netns', 'add', node.netns]);
  await run([...ip(node.netns), 'link', 'set', 'lo', 'up']);
  const haveEth0 = await linkExists('eth0', node.netns);
  const haveHostEnd = await linkExists(node.hostVeth);
  if (!haveEth0 || !haveHostEnd) {
    // A lone end is useless (its peer went with a deleted netns or was never moved): start over.
    await runQuiet(['ip', 'link', 'del', node.hostVeth]);
    await runQuiet([...ip(node.netns), 'link', 'del', 'eth0']);
    await run(['ip', 'link', 'add', node.hostVeth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', node.netns]);
  }
  await run(['ip', 'link', 'set', node.hostVeth, 'master', s.bridge]);
  await run(['ip', 'link', 'set', node.hostVeth, 'up']);
  await ensureAddress('eth0', `${node.ip}/${node.prefix}`, node.netns);
  await run([...ip(node.netns), 'link', 'set', 'eth0', 'up']);
  await run([...ip(node.netns), 'route', 'replace', 'default', 'via', hostIp, 'dev', 'eth0']);
}

/** Deletes the node's netns (its eth0 and so the veth pair go with it). */
export async function deleteNodeNetwork(node: NodeHost): Promise<void> {
  await runQuiet(['ip', 'link', 'del', node.hostVeth]);
  if (netnsExists(node)) await run(['ip', 'netns', 'delete', node.netns]);
}

export async function readRoutes(netns?: string): Promise<Map<string, Route>> {
  return parseRoutes(await run([...ip(netns), '-4', 'route', 'show']));
}

/** Makes the desired routes present; returns those it had to add or fix. */
export async function applyRoutes(desired: Route[], netns?: string): Promise<Route[]> {
  const todo = missingRoutes(desired, await readRoutes(netns));
  for (const r of todo) await run([...ip(netns), 'route', 'replace', r.dst, 'via', r.via, 'dev', r.dev]);
  return todo;
}
