import * as grpc from '@grpc/grpc-js';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Container, Pod, type ExecOutput, type LogChunk, type LogsRequest } from '../../lib/api/types';
import { ExecInput } from '../../lib/api/types';
import { createLogger } from '../../lib/log';
import { startRegistry, type RegistryServer } from '../../lib/servers/registry';
import { waitUntil } from '../../lib/servers/process';
import { AgentClient } from '../../proto/gen/berth/v1/api';
import { buildTestImages } from '../../scripts/images/build';
import { pushImage } from '../../scripts/images/push';
import { netnsName } from '../network/cni-config';
import { ImagePullError } from '../pod/pod-host';
import type { ObservedContainer } from '../pod/pod-model';
import { HostAgentBackend } from '../server/agent-backend';
import { startAgentServer, type AgentServerHandle } from '../server/agent-server';
import { openRealHost, type RealHost } from './open-real-host';

jest.setTimeout(120_000);

const RUNTIME = (process.env.BERTH_TEST_RUNTIME ?? 'crun') as 'crun' | 'runc';
const log = createLogger({ test: 'real-pod-host' });
const sh = (cmd: string, args: string[]): string => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

let tmp: string;
let root: string;
let registry: RegistryServer;
let image: string;
let real: RealHost;
let server: AgentServerHandle;
let client: AgentClient;
const pods = new Map<string, Pod>();
const exits: string[] = [];
const bridge = `bh${process.pid % 100000}`;
const cgroupParent = `berth-host-test-${process.pid}`;
const podCidr = `10.232.${process.pid % 200}.0/24`;

/** Host traces the pods leave: overlay/tmpfs mounts under the root, pod netns, bridge ports, conmons, IP allocations, pod cgroups. */
function traces(): Record<string, number> {
  const mounts = fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.includes(`${root}/`)).length;
  const ours = new Set([...pods.values()].map((p) => netnsName(p.metadata!.uid)));
  const netns = (fs.existsSync('/var/run/netns') ? fs.readdirSync('/var/run/netns') : []).filter((n) => ours.has(n)).length;
  let veths = 0;
  try {
    veths = sh('ip', ['-o', 'link', 'show', 'master', bridge]).split('\n').filter(Boolean).length;
  } catch {
    // bridge not created yet
  }
  let conmons = 0;
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmd.split('\0')[0].endsWith('conmon') && cmd.includes(root) && !/\) Z /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'))) conmons++;
    } catch {
      // exited while we looked
    }
  }
  const ipamDir = path.join(root, 'network', 'ipam', 'berth');
  const ips = fs.existsSync(ipamDir) ? fs.readdirSync(ipamDir).filter((f) => /^\d+\.\d+\.\d+\.\d+$/.test(f)).length : 0;
  const memParent = path.join('/sys/fs/cgroup/memory', cgroupParent);
  const cgroups = fs.existsSync(memParent) ? fs.readdirSync(memParent, { withFileTypes: true }).filter((d) => d.isDirectory()).length : 0;
  const podDirs = fs.existsSync(path.join(root, 'pods')) ? fs.readdirSync(path.join(root, 'pods')).length : 0;
  return { mounts, netns, veths, conmons, ips, cgroups, podDirs };
}

function makePod(name: string, containers: Partial<Container>[], volumes: object[] = []): Pod {
  const pod = Pod.fromPartial({
    metadata: { name, namespace: 'default', uid: randomUUID() },
    spec: { containers: containers.map((c) => ({ image, ...c })), volumes, restartPolicy: 'Always' },
  });
  pods.set(name, pod);
  return pod;
}

/**
 * What the pod syncer does for a new pod: the sandbox comes up while each image is pulled and
 * each container created (it starts once the sandbox is up).
 */
async function runPod(pod: Pod): Promise<void> {
  const sandbox = real.host.createSandbox(pod);
  for (const [i, c] of pod.spec!.containers.entries()) {
    const pulled = await real.host.pullImage(pod, c.image);
    await real.host.startContainer(pod, i, pulled.imageId, sandbox);
  }
  await sandbox;
}

async function container(pod: Pod, name: string): Promise<ObservedContainer> {
  const c = (await real.host.observe(pod)).containers[name];
  if (!c) throw new Error(`no container ${name}`);
  return c;
}

async function waitState(pod: Pod, name: string, state: ObservedContainer['state']): Promise<ObservedContainer> {
  await waitUntil(async () => (await container(pod, name)).state === state, 20_000, `${name} ${state}`);
  return container(pod, name);
}

function logs(req: Partial<LogsRequest>): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const call = client.logs({ namespace: 'default', pod: '', container: '', follow: false, tailLines: -1, previous: false, timestamps: false, ...req });
    call.on('data', (c: LogChunk) => (out += `${c.stream}:${Buffer.from(c.data).toString()}`));
    call.on('error', reject);
    call.on('end', () => resolve(out));
  });
}

function exec(pod: string, containerName: string, command: string[], stdin?: string): Promise<{ out: string; err: string; code?: number }> {
  return new Promise((resolve, reject) => {
    const res = { out: '', err: '', code: undefined as number | undefined };
    const call = client.exec();
    call.on('data', (m: ExecOutput) => {
      res.out += Buffer.from(m.stdout).toString();
      res.err += Buffer.from(m.stderr).toString();
      if (m.exitCode !== undefined) res.code = m.exitCode;
    });
    call.on('error', reject);
    call.on('end', () => resolve(res));
    call.write(ExecInput.fromPartial({ start: { namespace: 'default', pod, container: containerName, command, tty: false, stdin: stdin !== undefined } }));
    if (stdin !== undefined) call.write(ExecInput.fromPartial({ stdin: Buffer.from(stdin), stdinEof: true }));
    call.end();
  });
}

let before: Record<string, number>;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-host-'));
  root = path.join(tmp, 'root');
  const built = await buildTestImages(path.join(tmp, 'images'));
  registry = await startRegistry({ dir: path.join(tmp, 'registry'), logFile: path.join(tmp, 'registry.log') });
  image = await pushImage(built.layout, built.images.base, { registry: registry.address });
  real = openRealHost({ root, runtime: RUNTIME, podCidr: () => podCidr, bridgeName: bridge, cgroupParent, log });
  real.host.onContainerExit((uid) => exits.push(uid));
  await real.host.start();
  const backend = new HostAgentBackend({ host: real.host, findPod: async (_ns, name) => pods.get(name), followIntervalMs: 100 });
  server = await startAgentServer('127.0.0.1:0', backend, log);
  client = new AgentClient(server.address, grpc.credentials.createInsecure());
  before = traces();
});

afterAll(async () => {
  client?.close();
  await server?.stop();
  await real?.host.close();
  for (const p of pods.values()) {
    await real?.host.stopPod(p.metadata!.uid, 0).catch(() => undefined);
    await real?.host.cleanupPod(p.metadata!.uid).catch(() => undefined);
  }
  // Once no pod mount is left, this drops crun's mount namespace and the root's shared bind.
  await real?.runtime.close();
  await registry?.stop();
  try {
    sh('ip', ['link', 'delete', bridge]);
  } catch {
    // never created
  }
  for (const h of fs.existsSync('/sys/fs/cgroup') ? ['', ...fs.readdirSync('/sys/fs/cgroup')] : []) {
    try {
      fs.rmdirSync(path.join('/sys/fs/cgroup', h, cgroupParent));
    } catch {
      // absent in this hierarchy
    }
  }
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

test('a busybox pod runs its args with env; its output is served by the agent Logs over gRPC', async () => {
  const pod = makePod('hello', [
    { name: 'main', command: ['/bin/sh', '-c', 'echo "$GREETING from $(hostname)"; echo warn >&2; exec sleep 300'], env: [{ name: 'GREETING', value: 'hi' }] },
  ]);
  await runPod(pod);
  const c = await waitState(pod, 'main', 'running');
  expect(c.imageId).toMatch(new RegExp(`^${registry.address}/base@sha256:[0-9a-f]{64}$`));
  expect((await real.host.observe(pod)).sandbox?.ip).toMatch(/^10\.232\./);
  await waitUntil(async () => (await logs({ pod: 'hello' })).includes('warn'), 10_000, 'log lines');
  expect(await logs({ pod: 'hello' })).toBe('stdout:hi from hello\nstderr:warn\n');
  expect(await logs({ pod: 'hello', tailLines: 1 })).toBe('stderr:warn\n');
  expect(await logs({ pod: 'hello', timestamps: true, tailLines: 1 })).toMatch(/^stderr:\d{4}-\d\d-\d\dT\S+ warn\n$/);
  await expect(logs({ pod: 'hello', container: 'nope' })).rejects.toMatchObject({ code: grpc.status.NOT_FOUND, details: expect.stringMatching(/container "nope" is not in pod default\/hello/) });
  await expect(logs({ pod: 'ghost' })).rejects.toMatchObject({ code: grpc.status.NOT_FOUND });

  // A restart keeps the first instance's log as --previous; the listener hears the kill.
  await real.host.killContainer(pod, 'main');
  await waitState(pod, 'main', 'exited');
  await waitUntil(() => exits.includes(pod.metadata!.uid), 5000, 'exit listener');
  await real.host.startContainer(pod, 0, c.imageId);
  const second = await waitState(pod, 'main', 'running');
  expect(second.id).not.toBe(c.id);
  expect(await logs({ pod: 'hello', previous: true })).toBe('stdout:hi from hello\nstderr:warn\n');
});

test('logs --follow streams new lines and ends when the container exits', async () => {
  const pod = makePod('counter', [{ name: 'main', command: ['/bin/sh', '-c', 'for i in 1 2 3 4; do echo line$i; sleep 0.3; done'] }]);
  await runPod(pod);
  const out = await logs({ pod: 'counter', follow: true, tailLines: -1 });
  expect(out).toBe('stdout:line1\nstdout:line2\nstdout:line3\nstdout:line4\n');
  const c = await container(pod, 'main');
  expect(c).toMatchObject({ state: 'exited', exitCode: 0, oomKilled: false });
});

// The hosts file is bound into the container at create time, before the pod IP is known: it
// must be rewritten in place, not replaced.
test('exec returns output, stdin and the exit code; /etc/hosts names the pod', async () => {
  const r = await exec('hello', 'main', ['/bin/sh', '-c', 'echo out; echo err >&2; exit 3']);
  expect(r).toEqual({ out: 'out\n', err: 'err\n', code: 3 });
  expect(await exec('hello', '', ['cat'], 'from stdin')).toEqual({ out: 'from stdin', err: '', code: 0 });
  const ip = (await real.host.observe(pods.get('hello')!)).sandbox!.ip;
  expect((await exec('hello', 'main', ['cat', '/etc/hosts'])).out).toContain(`${ip}\thello`);
  expect((await exec('hello', 'main', ['hostname'])).out).toBe('hello\n');
});

test('a memory limit exceeded is observed as oomKilled', async () => {
  const pod = makePod('hog', [
    { name: 'main', command: ['/bin/sh', '-c', 'x=aaaaaaaaaaaaaaaa; while :; do x=$x$x; done'], resources: { limits: { memory: '16Mi' }, requests: {} } },
  ]);
  await runPod(pod);
  const c = await waitState(pod, 'main', 'exited');
  expect(c.oomKilled).toBe(true);
});

test('an emptyDir is shared by two containers of a pod and gone after cleanup', async () => {
  const pod = makePod(
    'shared',
    [
      { name: 'writer', command: ['/bin/sh', '-c', 'echo shared-bytes > /data/f; exec sleep 300'], volumeMounts: [{ name: 'scratch', mountPath: '/data', readOnly: false, subPath: '' }] },
      { name: 'reader', command: ['sleep', '300'], volumeMounts: [{ name: 'scratch', mountPath: '/in', readOnly: true, subPath: '' }] },
    ],
    [{ name: 'scratch', emptyDir: { medium: '', sizeLimit: '' } }],
  );
  await runPod(pod);
  await waitState(pod, 'reader', 'running');
  await waitUntil(async () => (await exec('shared', 'reader', ['cat', '/in/f'])).out === 'shared-bytes\n', 10_000, 'file visible to the reader');
  const ro = await exec('shared', 'reader', ['/bin/sh', '-c', 'echo x > /in/g']);
  expect(ro.code).not.toBe(0);
  const dir = path.join(root, 'pods', pod.metadata!.uid, 'volumes', 'scratch');
  expect(fs.readFileSync(path.join(dir, 'f'), 'utf8')).toBe('shared-bytes\n');
  await real.host.stopPod(pod.metadata!.uid, 1);
  await real.host.cleanupPod(pod.metadata!.uid);
  expect(fs.existsSync(dir)).toBe(false);
  expect(await real.host.listPodUids()).not.toContain(pod.metadata!.uid);
});

test('a pull the registry refuses is an ImagePullError with its reason', async () => {
  const pod = makePod('missing', [{ name: 'main', image: `${registry.address}/nope:1.0` }]);
  const err: unknown = await real.host.pullImage(pod, `${registry.address}/nope:1.0`).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ImagePullError);
  expect((err as Error).message).toMatch(/nope/);
  expect((await real.host.observe(pod)).imagePresent.main).toBe(false);
});

test('a new host instance (agent restart) adopts the running container: same id, same PID', async () => {
  const pod = pods.get('hello')!;
  const c = await container(pod, 'main');
  const pid = (await real.runtime.state(c.id)).pid;
  expect(pid).toBeGreaterThan(0);
  const again = openRealHost({ root, runtime: RUNTIME, podCidr: () => podCidr, bridgeName: bridge, cgroupParent, log });
  const adopted = (await again.host.observe(pod)).containers.main;
  expect(adopted).toMatchObject({ id: c.id, state: 'running', startedAt: c.startedAt });
  expect((await again.runtime.state(c.id)).pid).toBe(pid);
  expect(await again.host.listPodUids()).toContain(pod.metadata!.uid);
  await again.runtime.close();
});

test('stopPod + cleanupPod leave nothing behind (mounts, netns, veths, conmons, IPs, cgroups)', async () => {
  const during = traces();
  expect(during.conmons).toBeGreaterThan(0);
  expect(during.ips).toBeGreaterThan(0);
  for (const p of pods.values()) {
    await real.host.stopPod(p.metadata!.uid, 1);
    await real.host.cleanupPod(p.metadata!.uid);
    await real.host.cleanupPod(p.metadata!.uid); // idempotent
  }
  await waitUntil(() => traces().conmons === before.conmons, 5000, 'conmons gone');
  expect(traces()).toEqual(before);
  expect(await real.host.listPodUids()).toEqual([]);
});
