// One real `berth dev up --nodes N` cluster for the e2e suite, under names, addresses and
// ports of its own (like cli/dev/dev-cluster.int.test.ts) so it runs beside a developer's
// cluster or another test's. Helpers reach it the ways a user does: the CLI and the API.
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { ApiClient } from '../../lib/api/client';
import { devDown } from '../../cli/dev/dev-down';
import { devUp } from '../../cli/dev/dev-up';
import { endpoints } from '../../cli/dev/components';
import { readState, type DevState, type ProcessRecord } from '../../cli/dev/state';
import { makeSettings, nodeHosts, offsetPorts, type DevSettings, type NodeHost } from '../../cli/dev/topology';

const execFileAsync = promisify(execFile);

export const REPO_ROOT = path.join(__dirname, '..', '..');
const BERTH = [process.execPath, path.join(REPO_ROOT, 'dist', 'cmd', 'berth.js')];

export interface E2eCluster {
  settings: DevSettings;
  nodes: NodeHost[];
  /** The API address (the bridge address), reachable from the host and every node. */
  apiserver: string;
  /** The image name prefix, e.g. localhost:6000 (the registry port moves with the offset). */
  registryName: string;
  client: ApiClient;
  /** Progress lines of every dev up/down, for a failing test's message. */
  lines: string[];
}

/** A small, per-run tag so names never clash with another run's leftovers. */
const TAG = (process.pid % 1000).toString(36);

export function e2eSettings(nodes: number): DevSettings {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-e2e-'));
  return makeSettings({
    dir,
    nodes,
    runtime: 'runc',
    bridge: `bte${TAG}`,
    nodePrefix: `bte${TAG}`,
    bridgeCidr: `10.78.${process.pid % 200}.1/24`,
    clusterCidr: `10.${100 + (process.pid % 100)}.0.0/16`,
    // Below the ephemeral range (32768+), apart from dev-cluster.int.test.ts' 1000-8000 offsets.
    ports: offsetPorts(9000 + (process.pid % 700) * 10),
  });
}

/** `dev up` (again): starts whatever part of the cluster is not running. */
export async function up(c: Pick<E2eCluster, 'settings' | 'lines'>, pushImages = false): Promise<DevState> {
  return devUp({ settings: c.settings, berth: BERTH, installDeps: false, pushImages, out: (l) => void c.lines.push(l), nodeTimeoutMs: 120_000 });
}

export async function startCluster(nodes: number): Promise<E2eCluster> {
  const settings = e2eSettings(nodes);
  // dev up adds a context to the user's berth config: keep that away from the real one.
  // (Beside the data dir, not in it: down --purge removes the dir before it edits this file.)
  process.env.BERTH_CONFIG = userConfig(settings);
  const lines: string[] = [];
  await up({ settings, lines }, true);
  const e = endpoints(settings);
  return { settings, nodes: nodeHosts(settings), apiserver: e.apiserver, registryName: e.registryName, client: new ApiClient(e.apiserver), lines };
}

function userConfig(settings: DevSettings): string {
  return `${settings.dir}-user-config`;
}

export async function stopCluster(c: E2eCluster): Promise<void> {
  c.client.close();
  await devDown({ dir: c.settings.dir, purge: true, out: (l) => void c.lines.push(l) });
  fs.rmSync(userConfig(c.settings), { force: true });
}

export function processRecord(c: E2eCluster, name: string): ProcessRecord {
  const rec = readState(c.settings.dir)?.processes[name];
  if (!rec) throw new Error(`no process "${name}" in the dev state`);
  return rec;
}

/** Runs the berth CLI against the cluster; rejects (with its stderr) on a non-zero exit. */
export async function berth(c: E2eCluster, args: string[], timeoutMs = 60_000): Promise<string> {
  const [node, script] = BERTH as [string, string];
  const { stdout } = await execFileAsync(node, [script, ...args], {
    env: { ...process.env, BERTH_SERVER: c.apiserver },
    timeout: timeoutMs,
    maxBuffer: 16 << 20,
  });
  return stdout;
}

/** An example manifest with the registry name this cluster uses, written into its dir. */
export function manifest(c: E2eCluster, example: string, edit: (text: string) => string = (t) => t): string {
  const text = fs.readFileSync(path.join(REPO_ROOT, 'examples', example), 'utf8').replaceAll('localhost:5000/', `${c.registryName}/`);
  const file = path.join(c.settings.dir, `${example.replaceAll('/', '-')}`);
  fs.writeFileSync(file, edit(text));
  return file;
}

/** What the cluster may have left on the host: empty when down removed everything. */
export function leftovers(settings: DevSettings, pids: number[]): string[] {
  const found: string[] = [];
  const netns = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  const links = execFileSync('ip', ['-o', 'link'], { encoding: 'utf8' });
  for (const n of nodeHosts(settings)) {
    if (netns.includes(n.netns)) found.push(`netns ${n.netns}`);
    if (links.includes(`${n.hostVeth}@`) || links.includes(`${n.hostVeth}:`)) found.push(`veth ${n.hostVeth}`);
    const cg = execFileSync('find', ['/sys/fs/cgroup', '-maxdepth', '2', '-name', n.cgroupParent], { encoding: 'utf8' }).trim();
    if (cg) found.push(`cgroups ${cg}`);
  }
  if (links.includes(`${settings.bridge}:`)) found.push(`bridge ${settings.bridge}`);
  if (fs.readFileSync('/proc/self/mountinfo', 'utf8').includes(settings.dir)) found.push(`mounts under ${settings.dir}`);
  for (const pid of pids) if (fs.existsSync(`/proc/${pid}`) && fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(settings.dir)) found.push(`process ${pid}`);
  if (execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).includes(settings.dir)) found.push(`a process naming ${settings.dir}`);
  if (fs.existsSync(settings.dir)) found.push(`directory ${settings.dir}`);
  return found;
}
