import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PodDirs, type InstanceRecord } from './pod-dirs';

const rec = (instance: number): InstanceRecord => ({ id: `abc-main-${instance}`, name: 'main', instance, imageId: 'busybox@sha256:1', manifestDigest: 'sha256:1' });

describe('PodDirs records', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-pods-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('written records are on disk for the next agent, and served from memory to this one', () => {
    const dirs = new PodDirs(dir);
    expect(dirs.readInstance('uid1', 'main')).toBeUndefined();
    dirs.writeInstance('uid1', rec(1));
    dirs.writeSandbox('uid1', { ip: '10.0.0.2', netnsPath: '/var/run/netns/x' });
    expect(new PodDirs(dir).readInstance('uid1', 'main')).toEqual(rec(1));
    expect(new PodDirs(dir).readSandbox('uid1')?.ip).toBe('10.0.0.2');
    // Only this process writes them: a file removed behind its back is not looked at again.
    fs.rmSync(path.join(dir, 'uid1', 'containers', 'main.json'));
    expect(dirs.readInstance('uid1', 'main')).toEqual(rec(1));
    dirs.removeInstance('uid1', 'main');
    expect(dirs.readInstance('uid1', 'main')).toBeUndefined();
  });

  test('forget drops a removed pod, so a pod dir made again is read afresh', () => {
    const dirs = new PodDirs(dir);
    dirs.writeInstance('uid1', rec(2));
    fs.rmSync(dirs.pod('uid1'), { recursive: true });
    dirs.forget('uid1');
    new PodDirs(dir).writeInstance('uid1', rec(3));
    expect(dirs.readInstance('uid1', 'main')).toEqual(rec(3));
  });
});
