import { Pod } from '../../lib/api';
import { hostPathDecision, volumeBinds, VolumeError, type FileKind } from './volume-plan';

describe('hostPathDecision', () => {
  it.each<[string, FileKind | undefined, ReturnType<typeof hostPathDecision>]>([
    ['', undefined, { action: 'none' }],
    ['', 'file', { action: 'none' }],
    ['DirectoryOrCreate', undefined, { action: 'mkdir' }],
    ['DirectoryOrCreate', 'directory', { action: 'none' }],
    ['DirectoryOrCreate', 'file', { error: 'is a file, not a directory' }],
    ['FileOrCreate', undefined, { action: 'touch' }],
    ['FileOrCreate', 'directory', { error: 'is a directory, not a file' }],
    ['Directory', undefined, { error: 'does not exist (type Directory)' }],
    ['Directory', 'directory', { action: 'none' }],
    ['File', 'directory', { error: 'is a directory, not a file (type File)' }],
    ['Socket', 'socket', { action: 'none' }],
    ['CharDevice', 'block', { error: 'is a block, not a char (type CharDevice)' }],
    ['Weird', 'file', { error: 'unknown hostPath type "Weird"' }],
  ])('type %j with %j', (type, existing, want) => {
    expect(hostPathDecision(type, existing)).toEqual(want);
  });
});

describe('volumeBinds', () => {
  const pod = (mounts: { name: string; mountPath: string; readOnly?: boolean; subPath?: string }[], volumes: object[]) =>
    Pod.fromPartial({ metadata: { uid: 'u1' }, spec: { volumes, containers: [{ name: 'c', volumeMounts: mounts }] } });
  const emptyDir = (n: string) => `/pods/u1/volumes/${n}`;

  it('resolves emptyDir, hostPath, readOnly and subPath', () => {
    const p = pod(
      [
        { name: 'scratch', mountPath: '/data' },
        { name: 'logs', mountPath: '/var/log/app', readOnly: true },
        { name: 'scratch', mountPath: '/cache', subPath: 'cache/a' },
      ],
      [{ name: 'scratch', emptyDir: {} }, { name: 'logs', hostPath: { path: '/var/log', type: 'Directory' } }],
    );
    expect(volumeBinds(p, p.spec!.containers[0], emptyDir)).toEqual([
      { containerPath: '/data', hostPath: '/pods/u1/volumes/scratch', readOnly: false },
      { containerPath: '/var/log/app', hostPath: '/var/log', readOnly: true },
      { containerPath: '/cache', hostPath: '/pods/u1/volumes/scratch/cache/a', readOnly: false },
    ]);
  });

  it.each([
    ['an unknown volume', [{ name: 'nope', mountPath: '/x' }], [], /no volume "nope"/],
    ['a volume without a source', [{ name: 'v', mountPath: '/x' }], [{ name: 'v' }], /no source/],
    ['a relative hostPath', [{ name: 'v', mountPath: '/x' }], [{ name: 'v', hostPath: { path: 'tmp' } }], /must be absolute/],
    ['a subPath escaping its volume', [{ name: 'v', mountPath: '/x', subPath: '../etc' }], [{ name: 'v', emptyDir: {} }], /without "\.\."/],
  ])('refuses %s', (_name, mounts, volumes, message) => {
    const p = pod(mounts, volumes);
    expect(() => volumeBinds(p, p.spec!.containers[0], emptyDir)).toThrow(VolumeError);
    expect(() => volumeBinds(p, p.spec!.containers[0], emptyDir)).toThrow(message);
  });
});
