import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createLogger } from '../../lib/log';
import { waitUntil } from '../../lib/servers/process';
import { PodNetwork } from '../network/pod-network';
import { SandboxPool, type SandboxPoolOptions } from './sandbox-pool';

jest.setTimeout(60_000);

// Real CNI (bridge + host-local) on a bridge and a podCIDR of this test's own.
const bridge = `bp${process.pid % 100000}`;
const podCidr = `10.232.${process.pid % 200}.0/24`;
const sh = (cmd: string, args: string[]): string => execFileSync(cmd, args, { encoding: 'utf8' });
const netnsOf = (netnsPath: string) => fs.existsSync(netnsPath);
const bridgePorts = (): number => {
  try {
    return sh('ip', ['-o', 'link', 'show', 'master', bridge]).split('\n').filter(Boolean).length;
  } catch {
    return 0;
  }
};
const ipFiles = (stateDir: string): string[] => {
  const dir = path.join(stateDir, 'ipam');
  return fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => /^\d+\.\d+\.\d+\.\d+$/.test(path.basename(f))) : [];
};
const poolNetns = (): string[] =>
  fs.readdirSync(path.join(stateDir, 'pool')).filter((f) => f.endsWith('.json')).map((f) => (JSON.parse(fs.readFileSync(path.join(stateDir, 'pool', f), 'utf8')) as { netnsPath: string }).netnsPath);
const uid = (i: number) => `c0ffee${String(i).padStart(2, '0')}-${String(process.pid).padStart(4, '0')}-4000-8000-000000000000`;

let tmp: string;
let stateDir: string;
let net: PodNetwork;
const pools: SandboxPool[] = [];
const pods: string[] = [];

function openPool(floor: number, idle = () => true, more: Partial<SandboxPoolOptions> = {}): SandboxPool {
  const pool = new SandboxPool({ network: net, floor, params: () => ({ podCidr, bridgeName: bridge, portMappings: [] }), idle, log: createLogger(), retryMs: 20, quietMs: 0, ...more });
  pools.push(pool);
  return pool;
}

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-pool-'));
  stateDir = path.join(tmp, 'net');
  net = new PodNetwork({ stateDir });
});

afterAll(async () => {
  for (const p of pools) await p.close();
  for (const u of pods) await net.teardown(u).catch(() => undefined);
  try {
    sh('ip', ['link', 'delete', bridge]);
  } catch {
    // never created
  }
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('fills up to its floor, a claim hands over IP and netns once and is refilled; no IP twice', async () => {
  const pool = openPool(2);
  pool.start();
  await waitUntil(() => pool.size === 2, 30_000, 'pool full');
  expect(bridgePorts()).toBe(2);
  const claimed = [0, 1, 2].map((i) => {
    pods.push(uid(i));
    return pool.take(uid(i));
  });
  // Two were ready; the third pod sets up its own network as before.
  expect(claimed[2]).toBeUndefined();
  const [a, b] = claimed as [NonNullable<(typeof claimed)[0]>, NonNullable<(typeof claimed)[0]>];
  expect(a.ip).not.toBe(b.ip);
  expect(netnsOf(a.netnsPath) && netnsOf(b.netnsPath)).toBe(true);
  // The pod owns it now: listed as a pod, torn down with it.
  expect(net.list()).toEqual(expect.arrayContaining([uid(0), uid(1)]));
  // Refilled to the burst of three it just saw, above its floor of two.
  await waitUntil(() => pool.size === 3, 30_000, 'pool refilled');
  const own = await net.setup(uid(2), { podCidr, bridgeName: bridge, portMappings: [] });
  const ips = [a.ip, b.ip, own.ip, ...net.listPooled().map((id) => JSON.parse(fs.readFileSync(path.join(stateDir, 'pool', `berth-${id.replace(/-/g, '').slice(0, 12)}.json`), 'utf8')).ip as string)];
  expect(new Set(ips).size).toBe(6);
  expect(ipFiles(stateDir)).toHaveLength(6);

  await net.teardown(uid(0));
  expect(netnsOf(a.netnsPath)).toBe(false);
  expect(ipFiles(stateDir)).toHaveLength(5);
});

test('refills only while idle; close releases the unclaimed sandboxes (CNI DEL, netns gone)', async () => {
  for (const p of pools.splice(0)) await p.close();
  expect(net.listPooled()).toEqual([]);
  let idle = false;
  const pool = openPool(1, () => idle);
  pool.start();
  await new Promise((r) => setTimeout(r, 200));
  expect(pool.size).toBe(0);
  idle = true;
  await waitUntil(() => pool.size === 1, 30_000, 'pool filled once idle');
  const ns = poolNetns();
  expect(ns).toHaveLength(1);
  await pool.close();
  expect(net.listPooled()).toEqual([]);
  expect(fs.existsSync(ns[0])).toBe(false);
  // What is left belongs to the pods of the first test.
  expect(ipFiles(stateDir)).toHaveLength(2);
  expect(bridgePorts()).toBe(2);
});

test('a restarted agent adopts the pool left on disk, but never one a pod claimed', async () => {
  let alive = true;
  const first = openPool(2, () => alive);
  first.start();
  await waitUntil(() => first.size === 2, 30_000, 'pool full');
  // A claim that crashed after writing the pod record but before dropping the pool one.
  const poolFiles = () => fs.readdirSync(path.join(stateDir, 'pool')).filter((f) => f.endsWith('.json'));
  const saved = new Map(poolFiles().map((f) => [f, fs.readFileSync(path.join(stateDir, 'pool', f))]));
  pods.push(uid(5));
  const claimed = first.take(uid(5))!;
  alive = false; // the agent died: no refill, nothing released
  for (const [f, text] of saved) fs.writeFileSync(path.join(stateDir, 'pool', f), text);

  const again = openPool(2, () => false);
  again.start();
  expect(again.size).toBe(1);
  pods.push(uid(6));
  const next = again.take(uid(6));
  expect(next).toBeDefined();
  expect(next!.netnsPath).not.toBe(claimed.netnsPath);
  expect(next!.ip).not.toBe(claimed.ip);
  for (const p of pools.splice(0)) await p.close();
  for (const u of [uid(1), uid(2), uid(5), uid(6)]) await net.teardown(u);
  expect(ipFiles(stateDir)).toEqual([]);
  expect(bridgePorts()).toBe(0);
});

test('after a burst the pool grows to that burst (up to the ceiling), then shrinks back to its floor while idle', async () => {
  let now = 1_000_000;
  let ceiling = 3;
  const pool = openPool(1, () => true, { now: () => now, memoryMs: 60_000, burstWindowMs: 10_000, ceiling: () => ceiling });
  pool.start();
  await waitUntil(() => pool.size === 1, 30_000, 'pool at its floor');
  // A burst of four pods: one gets the ready sandbox, three set up their own (here: none).
  const burst = [10, 11, 12, 13].map(uid);
  for (const u of burst) pool.take(u);
  pods.push(burst[0]);
  expect(pool.target()).toBe(3);
  await waitUntil(() => pool.size === 3, 30_000, 'pool grown to the ceiling');
  ceiling = 10;
  expect(pool.target()).toBe(4);
  // Forgotten after the memory: the extra sandboxes are released (CNI DEL, netns and IP gone).
  const grown = poolNetns();
  now += 60_000;
  expect(pool.target()).toBe(1);
  pool.take(uid(14)); // any take (or the decay timer) looks again; this one also claims one
  pods.push(uid(14));
  await waitUntil(() => pool.size === 1 && net.listPooled().length === 1, 30_000, 'pool back at its floor');
  expect(grown.filter((ns) => fs.existsSync(ns)).length).toBe(2);
  for (const p of pools.splice(0)) await p.close();
  for (const u of [burst[0], uid(14)]) await net.teardown(u);
  expect(ipFiles(stateDir)).toEqual([]);
  expect(bridgePorts()).toBe(0);
});
