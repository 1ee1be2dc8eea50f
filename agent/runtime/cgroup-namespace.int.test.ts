import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createLogger } from '../../lib/log';
import { createNetns, deleteNetns } from '../syscall/netns';
import { umount } from '../syscall/mount';
import { openCgroupNamespace, type CgroupNamespace } from './cgroup-namespace';

const inNs = (ns: CgroupNamespace, args: string[]): string => execFileSync('nsenter', [`--mount=${ns.path}`, ...args], { encoding: 'utf8' });
const mountPoints = (mountinfo: string): string[] => mountinfo.split('\n').map((l) => l.split(' ')[4]).filter(Boolean);

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

  afterAll(() => {
    deleteNetns(netns);
    for (const m of mountPoints(fs.readFileSync('/proc/self/mountinfo', 'utf8')).filter((p) => p.startsWith(`${tmp}/`)).reverse()) umount(m);
    ns.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('has no cgroup2 mount while the host keeps it; leaves no process behind', () => {
    expect(mountPoints(inNs(ns, ['cat', '/proc/self/mountinfo']))).not.toContain('/sys/fs/cgroup/unified');
    expect(mountPoints(fs.readFileSync('/proc/self/mountinfo', 'utf8'))).toContain('/sys/fs/cgroup/unified');
    expect(execFileSync('ps', ['-o', 'pid=', '--ppid', String(process.pid)], { encoding: 'utf8' }).trim().split('\n').filter(Boolean)).toHaveLength(1); // ps itself
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
    // A running pod's mount is below: the bind stays for the next agent.
    expect(mountPoints(fs.readFileSync('/proc/self/mountinfo', 'utf8'))).toContain(path.join(tmp, 'busy'));
    umount(below);
    const again = await openCgroupNamespace({ sharedDirs: [path.join(tmp, 'busy')], log: createLogger() });
    again.close();
    expect(mountPoints(fs.readFileSync('/proc/self/mountinfo', 'utf8'))).not.toContain(path.join(tmp, 'busy'));
  });
});
