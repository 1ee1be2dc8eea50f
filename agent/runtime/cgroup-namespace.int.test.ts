import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createLogger } from '../../lib/log';
import { createNetns, deleteNetns } from '../syscall/netns';
import { umount } from '../syscall/mount';
import { openCgroupNamespace, type CgroupNamespace } from './cgroup-namespace';
import { RuntimeError } from './container-runtime';

const inNs = (ns: CgroupNamespace, args: string[]): string => execFileSync('nsenter', [`--mount=${ns.path}`, ...args], { encoding: 'utf8' });
jest.setTimeout(30_000);

const mountPoints = (mountinfo: string): string[] => mountinfo.split('\n').map((l) => l.split(' ')[4]).filter(Boolean);
/** PIDs of this process's children, ps itself left out. */
const childPids = (): number[] =>
  execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(process.pid)], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter(([pid, comm]) => pid && comm !== 'ps')
    .map(([pid]) => Number(pid));
// Launchers of other test files run by the same jest worker may still live: count only new ones.
const preexisting = new Set(childPids());
const children = (): number[] => childPids().filter((p) => !preexisting.has(p));

describe('the runtime mount namespace (crun on hybrid cgroups)', () => {
  let tmp: string;
  let shared: string;
  let ns: CgroupNamespace;
  const netns = `/var/run/netns/berth-cgns-${process.pid}`;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-cgns-'));
    shared = path.join(tmp, 'root');
    ns = await openCgroupNamespace({ sharedDirs: [shared], log: createLogger() });
  });

  afterAll(async () => {
    deleteNetns(netns);
    for (const m of mountPoints(fs.readFileSync('/proc/self/mountinfo', 'utf8')).filter((p) => p.startsWith(`${tmp}/`)).reverse()) umount(m);
    ns.close();
    await ns.exited;
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('has no cgroup2 mount while the host keeps it; one launcher process stays', () => {
    expect(mountPoints(inNs(ns, ['cat', '/proc/self/mountinfo']))).not.toContain('/sys/fs/cgroup/unified');
    expect(mountPoints(fs.readFileSync('/proc/self/mountinfo', 'utf8'))).toContain('/sys/fs/cgroup/unified');
    expect(children()).toHaveLength(1);
  });

  test('the launcher starts monitors inside the namespace, in their directory, and returns their fd 3 line', async () => {
    const dir = path.join(tmp, "it's here");
    fs.mkdirSync(dir);
    const logFile = path.join(dir, 'monitor.log');
    // A monitor-like command: reports on fd 3 from a detached child, then the parent exits.
    const report = 'echo out; (echo "{\\"data\\": $$} $(pwd) $(grep -c \' /sys/fs/cgroup/unified \' /proc/self/mountinfo) $_OCI_SYNCPIPE" >&3 &) ; exit 0';
    const lines = await Promise.all([1, 2, 3].map(() => ns.launch({ cwd: dir, cmd: '/bin/sh', args: ['-c', report], logFile, syncEnv: '_OCI_SYNCPIPE' })));
    for (const line of lines) expect(line).toMatch(new RegExp(`^\\{"data": \\d+\\} ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} 0 3$`));
    expect(new Set(lines).size).toBe(3);
    expect(fs.readFileSync(logFile, 'utf8')).toBe('out\nout\nout\n');
    // No line on fd 3 (the command cannot even start): an empty answer, not a hang.
    expect(await ns.launch({ cwd: dir, cmd: path.join(dir, 'missing'), args: [], logFile, syncEnv: '_OCI_SYNCPIPE' })).toBe('');
    expect(children()).toHaveLength(1);
  });

  test('sees mounts made later under the shared directory and netns pinned later, and their removal', () => {
    const dir = path.join(shared, 'pods', 'x');
    fs.mkdirSync(dir, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', 'tmpfs', dir]);
    fs.writeFileSync(path.join(dir, 'f'), 'inside');
    createNetns(netns);
    expect(inNs(ns, ['cat', path.join(dir, 'f')])).toBe('inside');
    expect(mountPoints(inNs(ns, ['cat', '/proc/self/mountinfo']))).toEqual(expect.arrayContaining([dir, fs.realpathSync(netns)]));
    umount(dir);
    expect(mountPoints(inNs(ns, ['cat', '/proc/self/mountinfo']))).not.toContain(dir);
  });

  test('close unmounts the self-bind of the shared directory once nothing is mounted below', async () => {
    const other = await openCgroupNamespace({ sharedDirs: [path.join(tmp, 'busy')], log: createLogger() });
    const below = path.join(tmp, 'busy', 'm');
    fs.mkdirSync(below);
    execFileSync('mount', ['-t', 'tmpfs', 'tmpfs', below]);
    other.close();
    await other.exited;
    // A running pod's mount is below: the bind stays for the next agent.
    expect(mountPoints(fs.readFileSync('/proc/self/mountinfo', 'utf8'))).toContain(path.join(tmp, 'busy'));
    umount(below);
    const again = await openCgroupNamespace({ sharedDirs: [path.join(tmp, 'busy')], log: createLogger() });
    again.close();
    await again.exited;
    expect(mountPoints(fs.readFileSync('/proc/self/mountinfo', 'utf8'))).not.toContain(path.join(tmp, 'busy'));
  });
});

test('a killed launcher fails the launches waiting on it and later ones; close stops a live one', async () => {
  const log = createLogger();
  const a = await openCgroupNamespace({ sharedDirs: [], log });
  const [launcher] = children();
  // Never answers on fd 3 before the launcher is gone.
  const hanging = a.launch({ cwd: '/', cmd: '/bin/sleep', args: ['1'], logFile: '/dev/null', syncEnv: '_OCI_SYNCPIPE' });
  process.kill(launcher, 'SIGKILL');
  await a.exited;
  expect(await hanging).toBe('');
  await expect(a.launch({ cwd: '/', cmd: '/bin/true', args: [], logFile: '/dev/null', syncEnv: '_OCI_SYNCPIPE' })).rejects.toThrow(RuntimeError);
  a.close();
  const b = await openCgroupNamespace({ sharedDirs: [], log });
  b.close();
  await b.exited;
  expect(children()).toEqual([]);
});
