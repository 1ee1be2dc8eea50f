// Real bridge, netns, veths, routes and leftovers on this machine, under names of the test's
// own (so a dev cluster or another test can run beside it); all removed in afterAll.
import { spawn, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { waitUntil } from '../../lib/servers/process';
import { removeNode } from './dev-down';
import { ensureRoutes } from './dev-up';
import { deleteBridge, ensureBridge, ensureNodeNetwork, readRoutes } from './host-network';
import { podNetnsOf } from './node-cleanup';
import { readCmdline } from './proc-identity';
import type { DevState } from './state';
import { hostAddress, makeSettings, nodeHosts } from './topology';

const tag = (process.pid % 10000).toString(36);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-devnet-'));
const s = makeSettings({ dir, nodes: 2, runtime: 'runc', bridge: `btg${tag}`, nodePrefix: `btg${tag}`, bridgeCidr: `10.78.${process.pid % 200}.1/24` });
const [n1, n2] = nodeHosts(s);
const podNs = `btg${tag}-pod`;
const started: number[] = [];

const sh = (...argv: string[]): string => execFileSync(argv[0] ?? '', argv.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const succeeds = (...argv: string[]): boolean => {
  try {
    sh(...argv);
    return true;
  } catch {
    return false;
  }
};
const linkExists = (name: string): boolean => succeeds('ip', 'link', 'show', 'dev', name);
const ping = (netns: string, ip: string): boolean => succeeds('nsenter', `--net=/var/run/netns/${netns}`, 'busybox', 'ping', '-c', '1', '-W', '2', ip);

const quietly = (...argv: string[]): void => {
  try {
    sh(...argv);
  } catch {
    // already gone: the test removed it
  }
};

afterAll(() => {
  // Each was spawned detached, so it leads its own process group: the fake monitor's shell forks its sleep.
  for (const pid of started) quietly('kill', '-9', '--', `-${pid}`);
  for (const ns of [podNs, n1?.netns, n2?.netns]) if (ns) quietly('ip', 'netns', 'delete', ns);
  quietly('ip', 'link', 'del', s.bridge);
  quietly('umount', '-R', dir);
  for (const n of [n1, n2]) if (n) quietly('find', `/sys/fs/cgroup/memory/${n.cgroupParent}`, '-depth', '-type', 'd', '-delete');
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('dev host networking (real)', () => {
  if (!n1 || !n2) throw new Error('two nodes expected');

  it('builds the bridge and node hosts idempotently; nodes reach the host and each other', async () => {
    for (let round = 0; round < 2; round++) {
      await ensureBridge(s);
      for (const n of [n1, n2]) await ensureNodeNetwork(s, n, hostAddress(s));
    }
    expect(sh('ip', '-4', '-o', 'addr', 'show', 'dev', s.bridge).match(/inet /g)).toHaveLength(1);
    expect(sh('ip', '-n', n1.netns, '-4', '-o', 'addr', 'show', 'dev', 'eth0').match(/inet /g)).toHaveLength(1);
    expect(ping(n1.netns, hostAddress(s))).toBe(true);
    expect(ping(n1.netns, n2.ip)).toBe(true);
  });

  it('repairs a node whose host veth end was deleted', async () => {
    sh('ip', 'link', 'del', n2.hostVeth);
    await ensureNodeNetwork(s, n2, hostAddress(s));
    expect(ping(n2.netns, n1.ip)).toBe(true);
  });

  it('adds host-gw routes on the host and in each node, once', async () => {
    const cidrs = new Map([
      [n1.name, '10.245.1.0/24'],
      [n2.name, '10.245.2.0/24'],
    ]);
    expect(await ensureRoutes(s, cidrs)).toBe(4);
    expect(await ensureRoutes(s, cidrs)).toBe(0);
    expect((await readRoutes()).get('10.245.2.0/24')).toEqual({ dst: '10.245.2.0/24', via: n2.ip, dev: s.bridge });
    expect((await readRoutes(n1.netns)).get('10.245.2.0/24')).toEqual({ dst: '10.245.2.0/24', via: n2.ip, dev: 'eth0' });
    expect((await readRoutes(n1.netns)).has('10.245.1.0/24')).toBe(false);
  });

  it('removes a node with what its agent left: containers, pod netns, mounts, monitors', async () => {
    // A "pod": a netns whose veth hangs in node 1's netns, with a process inside it.
    sh('ip', 'netns', 'add', podNs);
    sh('ip', '-n', n1.netns, 'link', 'add', 'vethpod', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', podNs);
    expect(await podNetnsOf(n1)).toEqual([podNs]);
    const container = spawn('nsenter', [`--net=/var/run/netns/${podNs}`, 'sleep', '1000'], { stdio: 'ignore', detached: true });
    // A "monitor" naming a path under the node root, like conmon's -b BUNDLE.
    const bundle = path.join(n1.root, 'containers', 'c1');
    fs.mkdirSync(bundle, { recursive: true });
    const monitor = spawn('sh', ['-c', 'sleep 1000', 'conmon', '-b', bundle], { stdio: 'ignore', detached: true });
    const rootfs = path.join(n1.root, 'containers', 'c1', 'rootfs');
    fs.mkdirSync(rootfs, { recursive: true });
    sh('mount', '-t', 'tmpfs', 'tmpfs', rootfs);
    for (const p of [container, monitor]) if (p.pid) started.push(p.pid);
    await waitUntil(() => readCmdline(container.pid ?? 0)?.[0] === 'sleep', 5000, 'container process');
    // Its cgroup under the node's own parent, as the agent makes it (memory hierarchy).
    const cgroup = `/sys/fs/cgroup/memory/${n1.cgroupParent}/pod-1/c1`;
    fs.mkdirSync(cgroup, { recursive: true });
    fs.writeFileSync(`${cgroup}/cgroup.procs`, String(container.pid));

    const state: DevState = { version: 1, settings: s, processes: {} };
    await removeNode(state, 1);

    await waitUntil(() => readCmdline(container.pid ?? 0) === undefined || readCmdline(container.pid ?? 0)?.length === 0, 5000, 'container killed');
    await waitUntil(() => (readCmdline(monitor.pid ?? 0) ?? []).length === 0, 5000, 'monitor killed');
    expect(fs.existsSync(`/var/run/netns/${podNs}`)).toBe(false);
    expect(fs.existsSync(n1.netnsPath)).toBe(false);
    expect(linkExists(n1.hostVeth)).toBe(false);
    expect(fs.readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(n1.root);
    expect(fs.existsSync(bundle)).toBe(true);
    expect(fs.existsSync(`/sys/fs/cgroup/memory/${n1.cgroupParent}`)).toBe(false);
    // Node 2 is untouched.
    expect(ping(n2.netns, hostAddress(s))).toBe(true);
  });

  it('removes the bridge and its routes', async () => {
    await removeNode({ version: 1, settings: s, processes: {} }, 2);
    await deleteBridge(s);
    expect(linkExists(s.bridge)).toBe(false);
    expect((await readRoutes()).has('10.245.1.0/24')).toBe(false);
  });
});
