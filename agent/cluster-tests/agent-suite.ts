// The agent's cluster-level suite: pods created through the API, scheduled, run by a real
// `berth agent` process and observed through the API and the `berth` CLI. Each runtime's
// *.int.test.ts file runs it once on a cluster of its own (STYLE.md 8: one suite, every runtime).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Probe, Volume, type ContainerStateTerminated, type Pod } from '../../lib/api';
import { waitUntil } from '../../lib/servers/process';
import { netnsName } from '../network/cni-config';
import { findProcesses, RealCluster, type TestRuntime } from './real-cluster';

const condition = (p: Pod, type: string) => p.status?.conditions?.find((c) => c.type === type);
const isReady = (p: Pod) => condition(p, 'Ready')?.status === 'True';
const main = (p: Pod) => p.status?.containerStatuses?.[0];
const running = (p: Pod) => p.status?.phase === 'Running' && !!main(p)?.state?.running;

/** /proc/PID/stat field 22: the start time in clock ticks, which tells a PID reused from the same process. */
function startTicks(pid: number): string {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

/** The one host PID of a container's `sleep TOKEN`. */
async function sleeperPid(token: string): Promise<number> {
  let pids: number[] = [];
  await waitUntil(() => (pids = findProcesses('sleep', token)).length === 1, 20_000, `one "sleep ${token}" process`);
  return pids[0];
}

/** The overlay options of the root mount a process sees. */
function rootOverlayOptions(pid: number): string {
  const line = fs.readFileSync(`/proc/${pid}/mountinfo`, 'utf8').split('\n').find((l) => l.split(' ')[4] === '/' && l.includes(' - overlay '));
  if (!line) throw new Error(`no overlay root for pid ${pid}`);
  return line.split(' - overlay ')[1];
}

export function defineAgentSuite(runtime: TestRuntime): void {
  const rc = new RealCluster({ runtime });

  beforeAll(async () => {
    await rc.start();
  }, 180_000);

  afterAll(async () => {
    await rc.stop();
  }, 60_000);

  test('a busybox pod runs its args and env; `berth logs` shows its output and `berth exec` its command\'s output and exit code', async () => {
    await rc.createPod(rc.podSpec('hello', [{ name: 'main', command: ['/bin/sh', '-c'], args: ['echo "$GREETING $0 $1"; echo oops >&2; exec sleep 100001', 'a1', 'b2'], env: [{ name: 'GREETING', value: 'hi' }] }]));
    const pod = await rc.waitPod('hello', (p) => running(p) && isReady(p), 'Running and Ready');
    expect(pod.spec?.nodeName).toBe(rc.nodeName);
    expect(pod.status?.podIp.startsWith(rc.clusterCidr.split('.').slice(0, 2).join('.') + '.')).toBe(true);
    expect(main(pod)?.imageId).toMatch(new RegExp(`^${rc.registry.address}/base@sha256:[0-9a-f]{64}$`));

    await waitUntil(async () => (await rc.cli(['logs', 'hello'])).stdout.includes('oops'), 20_000, 'logs');
    const logs = await rc.cli(['logs', 'hello']);
    // Like kubectl, both streams of the container come out on stdout.
    expect(logs).toMatchObject({ code: 0, stdout: 'hi a1 b2\noops\n' });

    const exec = await rc.cli(['exec', 'hello', '--', 'sh', '-c', 'echo out-$GREETING-$(hostname); echo err >&2; exit 3']);
    expect(exec).toMatchObject({ code: 3, stdout: 'out-hi-hello\n', stderr: 'err\n' });
    expect(await rc.cli(['exec', 'hello', '--', 'true'])).toMatchObject({ code: 0, stdout: '' });

    const get = await rc.cli(['get', 'pods', 'hello']);
    expect(get.code).toBe(0);
    expect(get.stdout).toMatch(/hello\s+1\/1\s+Running\s+0/);
  });

  test('a crashing container restarts after growing back-off delays and waits in CrashLoopBackOff', async () => {
    await rc.createPod(rc.podSpec('crash', [{ name: 'main', command: ['/bin/sh', '-c', 'echo crashing; exit 2'] }]));
    // Every finished instance, by start time, from lastState and state as they go by.
    const instances = new Map<string, ContainerStateTerminated>();
    const reasons = new Set<string>();
    await rc.waitPod('crash', (p) => {
      const s = main(p);
      for (const t of [s?.lastState?.terminated, s?.state?.terminated]) if (t?.startedAt) instances.set(t.startedAt, t);
      if (s?.state?.waiting?.reason) reasons.add(s.state.waiting.reason);
      return instances.size >= 5;
    }, '5 finished instances', 90_000);
    const runs = [...instances.values()].sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
    expect(runs.every((t) => t.exitCode === 2 && t.reason === 'Error')).toBe(true);
    const delays = runs.slice(1).map((t, i) => Date.parse(t.startedAt) - Date.parse(runs[i].finishedAt));
    // Agent flag --backoff-initial-seconds 1: immediate, then 1 s, 2 s, 4 s (lower bounds: a slow machine only adds).
    expect(delays[1]).toBeGreaterThanOrEqual(900);
    expect(delays[2]).toBeGreaterThanOrEqual(1800);
    expect(delays[3]).toBeGreaterThanOrEqual(3600);
    expect(delays[3]).toBeGreaterThan(delays[2]);
    expect(delays[2]).toBeGreaterThan(delays[1]);
    expect(reasons).toContain('CrashLoopBackOff');
    const pod = await rc.client.get('pods', 'default', 'crash');
    expect(main(pod)?.restartCount).toBeGreaterThanOrEqual(4);
    expect((await rc.cli(['logs', 'crash', '--previous'])).stdout).toBe('crashing\n');
    await rc.deletePods(['crash']);
  });

  test('a failing liveness probe restarts the container', async () => {
    await rc.createPod(rc.podSpec('live', [{
      name: 'main',
      command: ['/bin/sh', '-c', 'touch /tmp/alive; exec sleep 100003'],
      livenessProbe: Probe.fromPartial({ exec: { command: ['cat', '/tmp/alive'] }, periodSeconds: 1, failureThreshold: 2, timeoutSeconds: 5 }),
    }]));
    const first = await rc.waitPod('live', running, 'Running');
    await new Promise((r) => setTimeout(r, 3000));
    expect(main(await rc.client.get('pods', 'default', 'live'))?.restartCount).toBe(0);
    expect((await rc.cli(['exec', 'live', '--', 'rm', '/tmp/alive'])).code).toBe(0);
    const restarted = await rc.waitPod('live', (p) => (main(p)?.restartCount ?? 0) >= 1 && running(p), 'restarted by liveness');
    expect(main(restarted)?.containerId).not.toBe(main(first)?.containerId);
    expect(main(restarted)?.lastState?.terminated?.exitCode).toBe(137);
    // The new instance has its own fresh file and stays up.
    expect((await rc.cli(['exec', 'live', '--', 'cat', '/tmp/alive'])).code).toBe(0);
    const events = (await rc.client.list('events', { namespace: 'default' })).items.filter((e) => e.involvedObject?.name === 'live');
    expect(events.map((e) => e.reason)).toContain('Killing');
  });

  test('a readiness probe gates Ready without restarting', async () => {
    await rc.createPod(rc.podSpec('ready', [{
      name: 'main',
      command: ['/bin/sh', '-c', 'exec sleep 100004'],
      readinessProbe: Probe.fromPartial({ exec: { command: ['test', '-f', '/tmp/ready'] }, periodSeconds: 1, failureThreshold: 1, successThreshold: 1, timeoutSeconds: 5 }),
    }]));
    const up = await rc.waitPod('ready', running, 'Running');
    // Several probe periods pass with the file absent: running, but not Ready.
    await new Promise((r) => setTimeout(r, 3000));
    const notYet = await rc.client.get('pods', 'default', 'ready');
    expect(condition(notYet, 'Ready')?.status).toBe('False');
    expect(main(notYet)?.ready).toBe(false);
    expect((await rc.cli(['exec', 'ready', '--', 'touch', '/tmp/ready'])).code).toBe(0);
    await rc.waitPod('ready', isReady, 'Ready');
    expect((await rc.cli(['exec', 'ready', '--', 'rm', '/tmp/ready'])).code).toBe(0);
    const unready = await rc.waitPod('ready', (p) => condition(p, 'Ready')?.status === 'False', 'Ready=False again');
    expect(main(unready)?.restartCount).toBe(0);
    expect(main(unready)?.containerId).toBe(main(up)?.containerId);
  });

  test('an agent killed -9 and restarted adopts its running container: same PID, no restart', async () => {
    await rc.createPod(rc.podSpec('adopt', [{ name: 'main', command: ['sleep', '100005'] }]));
    const before = await rc.waitPod('adopt', running, 'Running');
    const pid = await sleeperPid('100005');
    const ticks = startTicks(pid);
    await rc.agent!.kill9();
    expect(startTicks(pid)).toBe(ticks);
    rc.startAgent();
    // A new pod running proves the new agent syncs; by then it has seen the old one too.
    await rc.createPod(rc.podSpec('after-restart', [{ name: 'main', command: ['sleep', '100006'] }]));
    await rc.waitPod('after-restart', running, 'Running after the agent restart');
    await new Promise((r) => setTimeout(r, 2000));
    const after = await rc.client.get('pods', 'default', 'adopt');
    expect(running(after)).toBe(true);
    expect(main(after)?.restartCount).toBe(0);
    expect(main(after)?.containerId).toBe(main(before)?.containerId);
    expect(findProcesses('sleep', '100005')).toEqual([pid]);
    expect(startTicks(pid)).toBe(ticks);
    // The restarted agent serves exec for the adopted container.
    expect(await rc.cli(['exec', 'adopt', '--', 'echo', 'adopted'])).toMatchObject({ code: 0, stdout: 'adopted\n' });
    await rc.deletePods(['adopt', 'after-restart']);
  });

  test('a deleted pod turns Ready=False before its container gets SIGTERM, and leaves nothing behind', async () => {
    const out = path.join(rc.dir, 'term-out');
    fs.mkdirSync(out, { recursive: true });
    const marker = path.join(out, 'term');
    const pod = await rc.createPod(rc.podSpec('term', [{
      name: 'main',
      command: ['/bin/sh', '-c', "trap 'touch /out/term; exit 0' TERM; while true; do sleep 0.1; done"],
      volumeMounts: [{ name: 'out', mountPath: '/out', readOnly: false, subPath: '' }],
    }], { volumes: [Volume.fromPartial({ name: 'out', hostPath: { path: out, type: 'Directory' } })], terminationGracePeriodSeconds: 20 }));
    const uid = pod.metadata!.uid;
    await rc.waitPod('term', (p) => running(p) && isReady(p), 'Running and Ready');

    const watch = rc.client.watch('pods', { namespace: 'default' });
    let markerWhenUnready: boolean | undefined;
    let readyFalseAt = 0;
    const seen = (async () => {
      for await (const ev of watch) {
        const p = ev.object;
        if (p?.metadata?.name !== 'term' || !p.metadata.deletionTimestamp) continue;
        const ready = condition(p, 'Ready');
        if (ready?.status === 'False') {
          markerWhenUnready = fs.existsSync(marker);
          readyFalseAt = Date.parse(ready.lastTransitionTime);
          return;
        }
      }
    })();
    await rc.deletePods(['term']);
    await seen;
    watch.close();
    expect(markerWhenUnready).toBe(false);
    // The container trapped TERM after Ready=False was written (file times are the host's clock too).
    expect(fs.existsSync(marker)).toBe(true);
    expect(fs.statSync(marker).mtimeMs).toBeGreaterThanOrEqual(readyFalseAt);

    const mounts = fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.includes(uid));
    expect(mounts).toEqual([]);
    expect(fs.existsSync(path.join('/var/run/netns', netnsName(uid)))).toBe(false);
    expect(fs.existsSync(path.join(rc.root, 'pods', uid))).toBe(false);
    expect(findProcesses('conmon', uid)).toEqual([]);
  });

  test('two pods of one image share the lower snapshots (same inodes) and each writes only its own upper', async () => {
    for (const [name, token] of [['share-a', '100071'], ['share-b', '100072']]) {
      await rc.createPod(rc.podSpec(name, [{ name: 'main', command: ['/bin/sh', '-c', `echo ${name} > /mine; exec sleep ${token}`] }]));
    }
    await rc.waitPod('share-a', running, 'Running');
    await rc.waitPod('share-b', running, 'Running');
    const [a, b] = [await sleeperPid('100071'), await sleeperPid('100072')];
    const inoA = fs.statSync(`/proc/${a}/root/bin/busybox`).ino;
    expect(fs.statSync(`/proc/${b}/root/bin/busybox`).ino).toBe(inoA);
    const layers = path.join(rc.root, 'snapshots', 'snapshots');
    const layerCopies = fs.readdirSync(layers).map((n) => path.join(layers, n, 'fs', 'bin', 'busybox')).filter((f) => fs.existsSync(f));
    expect(layerCopies.map((f) => fs.statSync(f).ino)).toContain(inoA);

    const lower = (pid: number) => /lowerdir=([^,]+)/.exec(rootOverlayOptions(pid))?.[1];
    const upper = (pid: number) => /upperdir=([^,]+)/.exec(rootOverlayOptions(pid))?.[1];
    expect(lower(a)).toBeDefined();
    expect(lower(a)).toBe(lower(b));
    expect(upper(a)).not.toBe(upper(b));
    await waitUntil(() => fs.existsSync(`/proc/${b}/root/mine`), 10_000, '/mine in share-b');
    expect(fs.readFileSync(`/proc/${a}/root/mine`, 'utf8')).toBe('share-a\n');
    expect(fs.readFileSync(`/proc/${b}/root/mine`, 'utf8')).toBe('share-b\n');
    // Each write landed in one upper only; the shared layers hold neither file.
    const uppers = path.join(rc.root, 'snapshots', 'containers');
    const uppersWithMine = fs.readdirSync(uppers).map((n) => path.join(uppers, n, 'upper', 'mine')).filter((f) => fs.existsSync(f));
    expect(uppersWithMine.map((f) => fs.readFileSync(f, 'utf8')).sort()).toEqual(['share-a\n', 'share-b\n']);
    expect(fs.readdirSync(layers).filter((n) => fs.existsSync(path.join(layers, n, 'fs', 'mine')))).toEqual([]);
    await rc.deletePods(['share-a', 'share-b']);
  });

  test('a pod whose image does not exist shows ErrImagePull, then ImagePullBackOff with the registry\'s reason', async () => {
    let pullFailed = false;
    const versions = rc.watchPod('nope', (p) => {
      const reason = main(p)?.state?.waiting?.reason;
      pullFailed ||= reason === 'ErrImagePull';
      return pullFailed && reason === 'ImagePullBackOff';
    }, 'ErrImagePull, then ImagePullBackOff');
    await rc.createPod(rc.podSpec('nope', [{ name: 'main', image: `${rc.registry.address}/does-not-exist:1.0` }]));
    const waiting = (await versions).map((p) => main(p)?.state?.waiting).filter((w) => w !== undefined);
    const reasons = waiting.map((w) => w.reason).filter((r) => r !== 'ContainerCreating');
    expect(reasons.indexOf('ErrImagePull')).toBeGreaterThanOrEqual(0);
    expect(reasons.indexOf('ErrImagePull')).toBeLessThan(reasons.indexOf('ImagePullBackOff'));
    // docker-registry's own error code for the missing manifest.
    for (const w of waiting.filter((x) => x.reason !== 'ContainerCreating')) expect(w.message).toMatch(/MANIFEST_UNKNOWN manifest unknown/);
    const pod = await rc.client.get('pods', 'default', 'nope');
    expect(pod.status?.phase).toBe('Pending');
    await rc.deletePods(['nope']);
  });

  test('once every pod is deleted nothing is left: mounts, netns, veths, conmons, IPs, cgroups, pod dirs', async () => {
    const names = (await rc.client.list('pods', { namespace: 'default' })).items.map((p) => p.metadata!.name);
    await rc.deletePods(names);
    await waitUntil(() => Object.values(rc.traces()).every((n) => n === 0), 20_000, 'no traces').catch(() => undefined);
    expect(rc.traces()).toEqual({ mounts: 0, netns: 0, veths: 0, conmons: 0, ips: 0, cgroups: 0, podDirs: 0 });
  });
}
