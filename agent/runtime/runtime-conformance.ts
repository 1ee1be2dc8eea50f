// The one test suite every ContainerRuntime passes (STYLE.md 8). Call it from a *.int.test.ts
// with a factory; it runs real containers on a busybox rootfs built in a temp dir.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Container, Pod } from '../../lib/api/types';
import { waitUntil } from '../../lib/servers/process';
import { writeBundleConfig } from './bundle';
import { detectCgroupVersion } from './cgroup-version';
import { readLog } from './container-log';
import { hostNofileHardLimit } from './host-limits';
import { RuntimeError, type ContainerRuntime, type ExecHandle } from './container-runtime';
import { buildOciSpec } from './oci-spec';
import { buildBusyboxRootfs, removeCgroupParent, TEST_GROUP, TEST_PASSWD } from './test-rootfs';

export interface ConformanceOptions {
  /** Builds a runtime over stateDir; called again with the same dir to test adoption. */
  makeRuntime(stateDir: string): ContainerRuntime;
  /** Optional: the netns path containers join; default a fresh one per container. */
  netnsPath?: () => string | undefined;
  /** Optional: the status the runtime's own tool reports (OCI `state`), to check it agrees. */
  toolStatus?: (stateDir: string, id: string) => string;
}

export interface RunOptions {
  command: string[];
  env?: { name: string; value: string }[];
  memory?: string;
  user?: string;
  workingDir?: string;
  netnsPath?: string;
}

/**
 * Host-visible traces of this suite's containers, counted before and after to prove nothing
 * leaks: mounts and conmon processes that mention the suite's directory (other work on the
 * host mounts things too), child cgroups of its parent.
 */
export function hostTraces(suiteDir: string, cgroupParent: string): { mounts: number; conmons: number; cgroups: number } {
  const mounts = fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.includes(suiteDir)).length;
  let conmons = 0;
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (cmd.startsWith('conmon\0') || cmd.includes('/conmon\0')) if (cmd.includes(suiteDir) && !/\) Z /.test(stat)) conmons++;
    } catch {
      // exited while we looked
    }
  }
  const memParent = path.join('/sys/fs/cgroup/memory', cgroupParent);
  const cgroups = fs.existsSync(memParent) ? fs.readdirSync(memParent, { withFileTypes: true }).filter((d) => d.isDirectory()).length : 0;
  return { mounts, conmons, cgroups };
}

async function collect(h: ExecHandle): Promise<{ out: string; err: string; code: number }> {
  let out = '';
  let err = '';
  h.stdout.on('data', (d: Buffer) => (out += d.toString()));
  h.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await h.exitCode;
  return { out, err, code };
}

export function runtimeConformance(label: string, opts: ConformanceOptions): void {
  describe(`ContainerRuntime conformance: ${label}`, () => {
    jest.setTimeout(60_000);
    let tmp: string;
    let stateDir: string;
    let rootfs: string;
    let rt: ContainerRuntime;
    const cgroupParent = `berth-conf-${process.pid}-${label.replace(/[^a-z0-9]/gi, '')}`;
    const cgroupVersion = detectCgroupVersion(fs.readFileSync('/proc/self/mounts', 'utf8'));
    let before: ReturnType<typeof hostTraces>;
    let seq = 0;

    beforeAll(() => {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-rt-'));
      stateDir = path.join(tmp, 'state');
      rootfs = buildBusyboxRootfs(path.join(tmp, 'rootfs'));
      rt = opts.makeRuntime(stateDir);
      before = hostTraces(tmp, cgroupParent);
    });

    afterAll(async () => {
      for (const id of await rt.list()) await rt.delete(id).catch(() => undefined);
      removeCgroupParent(cgroupParent);
      fs.rmSync(tmp, { recursive: true, force: true });
    });

    /** Writes a bundle for `command` and creates + starts it; returns id, pid, log path. */
    async function run(o: RunOptions): Promise<{ id: string; pid: number; logPath: string }> {
      const c = await create(o);
      await rt.start(c.id);
      return c;
    }

    /** Writes a bundle for `command` and creates it (not started); returns id, pid, log path. */
    async function create(o: RunOptions): Promise<{ id: string; pid: number; logPath: string }> {
      const id = `c${++seq}-${process.pid}`;
      const bundle = path.join(tmp, 'bundles', id);
      const container = Container.fromPartial({
        name: 'main',
        command: o.command,
        env: o.env ?? [],
        workingDir: o.workingDir ?? '',
        resources: { limits: o.memory ? { memory: o.memory } : {}, requests: {} },
      });
      const pod = Pod.fromPartial({ metadata: { name: 'conf-pod', namespace: 'default', uid: id }, spec: { containers: [container] } });
      const netns = o.netnsPath ?? opts.netnsPath?.();
      const spec = buildOciSpec({
        pod,
        container,
        image: { Env: ['IMAGE_VAR=from-image'], User: o.user },
        rootfsPath: rootfs,
        netnsPath: netns ?? '',
        hostname: 'conf-pod',
        volumes: [],
        imagePasswd: TEST_PASSWD,
        imageGroup: TEST_GROUP,
        cgroupsPath: `/${cgroupParent}/${id}`,
        cgroupVersion,
        maxNofile: hostNofileHardLimit(),
      });
      if (!netns) spec.linux.namespaces = spec.linux.namespaces.map((n) => (n.type === 'network' ? { type: 'network' } : n));
      writeBundleConfig(bundle, spec);
      const logPath = path.join(tmp, 'logs', `${id}.log`);
      const { pid } = await rt.create(id, bundle, { logPath });
      return { id, pid, logPath };
    }

    async function waitStopped(id: string): Promise<void> {
      await waitUntil(async () => (await rt.state(id)).status === 'stopped', 20_000, `${id} stopped`);
    }

    test('runs args with env, output lands in the log, exit code recorded', async () => {
      const c = await run({
        command: ['/bin/sh', '-c', 'echo "hello $GREETING from $(hostname) $IMAGE_VAR $(id -u)"; echo oops >&2; exit 3'],
        env: [{ name: 'GREETING', value: 'world' }],
      });
      await waitStopped(c.id);
      const st = await rt.state(c.id);
      expect(st.exitCode).toBe(3);
      expect(st.oomKilled).toBe(false);
      expect(st.finishedAt).toBeInstanceOf(Date);
      await waitUntil(() => readLog(c.logPath).length >= 2, 5000, 'log lines');
      const log = readLog(c.logPath).map((r) => `${r.stream}:${r.content}`);
      expect(log).toContain('stdout:hello world from conf-pod from-image 0');
      expect(log).toContain('stderr:oops');
      await rt.delete(c.id);
      await expect(rt.state(c.id)).rejects.toThrow();
    });

    test('named user and working dir from the spec', async () => {
      const c = await run({ command: ['/bin/sh', '-c', 'echo "$(id -u):$(id -g) $(pwd) $HOME"'], user: 'app', workingDir: '/tmp' });
      await waitStopped(c.id);
      expect((await rt.state(c.id)).exitCode).toBe(0);
      expect(readLog(c.logPath).map((r) => r.content)).toEqual(['1000:1000 /tmp /home/app']);
      await rt.delete(c.id);
    });

    test('stop: PID 1 ignoring SIGTERM is killed after the grace period (137)', async () => {
      const c = await run({ command: ['/bin/sh', '-c', 'trap "" TERM; while :; do sleep 1; done'] });
      expect((await rt.state(c.id)).status).toBe('running');
      await rt.stop(c.id, 1);
      const st = await rt.state(c.id);
      expect(st.status).toBe('stopped');
      expect(st.exitCode).toBe(137);
      await rt.delete(c.id);
    });

    test('stop: a process that handles SIGTERM exits with its own code', async () => {
      const c = await run({ command: ['/bin/sh', '-c', 'trap "exit 7" TERM; while :; do sleep 0.1; done'] });
      await waitUntil(async () => (await rt.state(c.id)).status === 'running', 5000, 'running');
      await new Promise((r) => setTimeout(r, 300));
      await rt.stop(c.id, 10);
      expect((await rt.state(c.id)).exitCode).toBe(7);
      await rt.delete(c.id);
    });

    test('memory limit exceeded: oomKilled', async () => {
      const c = await run({ command: ['/bin/sh', '-c', 'x=aaaaaaaaaaaaaaaa; while :; do x=$x$x; done'], memory: '16Mi' });
      await waitStopped(c.id);
      const st = await rt.state(c.id);
      expect(st.oomKilled).toBe(true);
      expect(st.exitCode).toBe(137);
      await rt.delete(c.id);
    });

    test('exec returns output and exit code, with and without a tty', async () => {
      const c = await run({ command: ['/bin/sleep', '1000'] });
      const r = await collect(rt.exec(c.id, ['/bin/sh', '-c', 'echo out; echo err >&2; exit 5'], { tty: false, stdin: false }));
      expect(r).toEqual({ out: 'out\n', err: 'err\n', code: 5 });
      const t = await collect(rt.exec(c.id, ['/bin/sh', '-c', 'test -t 1 && echo tty'], { tty: true, stdin: false }));
      expect(t.out.trim()).toBe('tty');
      expect(t.code).toBe(0);
      const h = rt.exec(c.id, ['/bin/cat'], { tty: false, stdin: true });
      h.stdin?.end('piped\n');
      expect((await collect(h)).out).toBe('piped\n');
      await rt.stop(c.id, 0);
      await rt.delete(c.id);
    });

    test('adoption: a fresh runtime object sees the running container with the same pid, and its exit later', async () => {
      const c = await run({ command: ['/bin/sh', '-c', 'read x < /dev/zero; sleep 1000'] });
      const again = opts.makeRuntime(stateDir);
      expect(await again.list()).toContain(c.id);
      const st = await again.state(c.id);
      expect(st.status).toBe('running');
      expect(st.pid).toBe(c.pid);
      await rt.kill(c.id, 'SIGKILL');
      await waitUntil(async () => (await again.state(c.id)).status === 'stopped', 10_000, 'stopped seen by the new object');
      expect((await again.state(c.id)).exitCode).toBe(137);
      await again.delete(c.id);
      expect(await again.list()).not.toContain(c.id);
    });

    test('created, then started: the runtime itself agrees on each state', async () => {
      const c = await create({ command: ['/bin/sh', '-c', 'echo started; sleep 1000'] });
      expect((await rt.state(c.id)).status).toBe('created');
      if (opts.toolStatus) expect(opts.toolStatus(stateDir, c.id)).toBe('created');
      await rt.start(c.id);
      expect((await rt.state(c.id)).status).toBe('running');
      if (opts.toolStatus) expect(opts.toolStatus(stateDir, c.id)).toBe('running');
      await waitUntil(() => readLog(c.logPath).some((r) => r.content === 'started'), 5000, 'output of the started process');
      await expect(rt.start(c.id)).rejects.toThrow();
      await rt.stop(c.id, 0);
      await rt.delete(c.id);
    });

    test('start of a container whose init died is a RuntimeError', async () => {
      const c = await create({ command: ['/bin/sleep', '1000'] });
      process.kill(c.pid, 'SIGKILL');
      await waitUntil(async () => (await rt.state(c.id)).status !== 'created', 5000, 'init gone');
      await expect(rt.start(c.id)).rejects.toBeInstanceOf(RuntimeError);
      await rt.delete(c.id);
    });

    test('create failure is reported with the runtime message', async () => {
      await expect(run({ command: ['/no/such/binary'] }).then(async (c) => waitStopped(c.id))).rejects.toThrow();
    });

    test('nothing left behind: mounts, conmon processes, cgroups', async () => {
      for (const id of await rt.list()) await rt.delete(id);
      await waitUntil(() => hostTraces(tmp, cgroupParent).conmons === before.conmons, 5000, 'conmons gone');
      expect(hostTraces(tmp, cgroupParent)).toEqual(before);
      expect(await rt.list()).toEqual([]);
    });
  });
}
