// `dev up --nodes 2` / `status` / `down --purge` for real: etcd, NATS, registry, apiserver,
// scheduler, controller-manager and two agents in their own netns, under names and ports of
// this test's own. Checks that down leaves no process, netns, veth, bridge or mount behind.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { ApiClient } from '../../lib/api/client';
import type { Pod } from '../../lib/api/types';
import { waitUntil } from '../../lib/servers/process';
import { devDown } from './dev-down';
import { devStatus } from './dev-status';
import { devUp } from './dev-up';
import { processLiveness } from './proc-identity';
import { readState, type DevState } from './state';
import { makeSettings, nodeHosts, offsetPorts } from './topology';

jest.setTimeout(300_000);

const tag = (process.pid % 1000).toString(36);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-devup-'));
const userConfig = path.join(dir, '..', `${path.basename(dir)}-user-config`);
const settings = makeSettings({
  dir,
  nodes: 2,
  runtime: 'runc',
  bridge: `btd${tag}`,
  nodePrefix: `btd${tag}`,
  bridgeCidr: `10.79.${process.pid % 200}.1/24`,
  // Below the ephemeral range (32768+), where other tests' free ports come from.
  ports: offsetPorts(1000 + (process.pid % 700) * 10),
});
const berth = [process.execPath, path.join(__dirname, '..', '..', 'dist', 'cmd', 'berth.js')];
const lines: string[] = [];
const out = (l: string): void => void lines.push(l);
let firstState: DevState | undefined;
// Pods that ran, so the down test knows it had containers (and their cgroups) to take away.
let podUids: string[] = [];

const links = (): string => execFileSync('ip', ['-o', 'link'], { encoding: 'utf8' });
const netns = (): string => execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });

beforeAll(() => {
  process.env.BERTH_CONFIG = userConfig;
  fs.writeFileSync(userConfig, 'current-context: mine\ncontexts:\n  - name: mine\n    server: 127.0.0.1:1\n');
});

afterAll(async () => {
  // Whatever the test did, leave nothing running.
  await devDown({ dir, purge: true, out }).catch(() => undefined);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(userConfig, { force: true });
});

describe('berth dev (real cluster)', () => {
  it('up brings 2 nodes to Ready with podCIDRs, routes and the example images', async () => {
    firstState = await devUp({ settings, berth, installDeps: false, pushImages: true, out, nodeTimeoutMs: 120_000 });
    const names = Object.keys(firstState.processes).sort();
    expect(names).toEqual(['agent-1', 'agent-2', 'apiserver', 'controller-manager', 'etcd', 'nats', 'registry-bridge', 'registry-local', 'scheduler']);
    const status = await devStatus(dir);
    expect(status?.apiError).toBeUndefined();
    expect(status?.processes.every((p) => p.liveness === 'running')).toBe(true);
    expect(status?.nodes.map((n) => [n.netns, n.podCidr !== '', n.hostRoute])).toEqual([
      [true, true, true],
      [true, true, true],
    ]);
    expect(lines.join('\n')).toMatch(/images pushed: .*hello:1\.0/);
    const tags = (await (await fetch(`http://127.0.0.1:${settings.ports.registry}/v2/hello/tags/list`)).json()) as { tags: string[] };
    expect(tags.tags.sort()).toEqual(['1.0', '2.0', '3.0']);
    expect(fs.readFileSync(userConfig, 'utf8')).toContain('berth-dev');
    expect(fs.readFileSync(path.join(dir, 'config'), 'utf8')).toContain(`${settings.bridgeCidr.split('/')[0]}:${settings.ports.apiserver}`);
  });

  it('runs examples/hello on both nodes, and the host reaches the pods on each', async () => {
    const manifest = path.join(dir, 'hello.yaml');
    const example = fs.readFileSync(path.join(__dirname, '..', '..', 'examples', 'hello.yaml'), 'utf8');
    fs.writeFileSync(manifest, example.replaceAll('localhost:5000/', `localhost:${settings.ports.registry}/`));
    execFileSync(berth[0] ?? '', [berth[1] ?? '', 'apply', '-f', manifest], { env: { ...process.env, BERTH_CONFIG: path.join(dir, 'config') } });
    const client = new ApiClient(`${settings.bridgeCidr.split('/')[0]}:${settings.ports.apiserver}`);
    try {
      let pods: Pod[] = [];
      await waitUntil(
        async () => {
          pods = (await client.list('pods', { namespace: 'default', labelSelector: 'app=hello' })).items;
          return pods.length === 3 && pods.every((p) => p.status?.conditions.some((c) => c.type === 'Ready' && c.status === 'True'));
        },
        120_000,
        'three ready hello pods',
        500,
      );
      expect(new Set(pods.map((p) => p.spec?.nodeName)).size).toBe(2);
      for (const p of pods) {
        const res = await fetch(`http://${p.status?.podIp}:8080/`, { signal: AbortSignal.timeout(5000) });
        expect(await res.text()).toBe('hello 1.0\n');
      }
      podUids = pods.map((p) => p.metadata?.uid ?? '');
    } finally {
      client.close();
    }
  });

  it('up again changes nothing, and restarts a part that was killed -9', async () => {
    const scheduler = firstState?.processes.scheduler;
    if (!scheduler) throw new Error('no scheduler');
    process.kill(scheduler.pid, 'SIGKILL');
    const again = await devUp({ settings, berth, installDeps: false, pushImages: false, out });
    for (const [name, rec] of Object.entries(again.processes)) {
      if (name === 'scheduler') expect(rec.pid).not.toBe(scheduler.pid);
      else expect(rec.pid).toBe(firstState?.processes[name]?.pid);
      expect(processLiveness(rec)).toBe('running');
    }
  });

  it('down --purge stops every process and removes netns, veths, bridge, mounts, data and only its context', async () => {
    const state = readState(dir);
    if (!state) throw new Error('no state');
    await devDown({ dir, purge: true, out });
    for (const rec of Object.values(state.processes)) expect(processLiveness(rec)).not.toBe('running');
    for (const n of nodeHosts(settings)) {
      expect(netns()).not.toContain(n.netns);
      expect(links()).not.toContain(n.hostVeth);
    }
    expect(links()).not.toContain(`${settings.bridge}:`);
    expect(fs.readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(dir);
    expect(podUids).toHaveLength(3);
    for (const n of nodeHosts(settings)) expect(execFileSync('find', ['/sys/fs/cgroup', '-maxdepth', '2', '-name', n.cgroupParent], { encoding: 'utf8' })).toBe('');
    for (const uid of podUids) {
      expect(execFileSync('find', ['/sys/fs/cgroup', '-maxdepth', '5', '-name', `*${uid}*`], { encoding: 'utf8' })).toBe('');
    }
    expect(execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })).not.toContain(dir);
    expect(fs.existsSync(dir)).toBe(false);
    const cfg = fs.readFileSync(userConfig, 'utf8');
    expect(cfg).not.toContain('berth-dev');
    expect(cfg).toContain('mine');
  });
});
