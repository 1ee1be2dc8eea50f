import { Container, Pod } from '../../lib/api/types';
import { DEFAULT_PATH } from './container-process';
import { UnknownUserError } from './image-user';
import { buildOciSpec, containerResources, DEFAULT_CAPABILITIES, MASKED_PATHS, READONLY_PATHS, type SpecInput } from './oci-spec';
import { InvalidQuantityError } from '../../lib/quantity';

function input(over: Partial<SpecInput> = {}, ctr: Partial<Container> = {}): SpecInput {
  const container = Container.fromPartial({ name: 'app', image: 'busybox', ...ctr });
  return {
    pod: Pod.fromPartial({ metadata: { name: 'web-1', namespace: 'default', uid: 'u1' }, spec: { containers: [container] } }),
    container,
    image: { Entrypoint: ['/bin/sh'], Cmd: ['-c', 'echo hi'], Env: ['PATH=/bin:/usr/bin', 'IMG=1'], WorkingDir: '/srv' },
    rootfsPath: '/var/lib/berth/rootfs/c1',
    netnsPath: '/var/run/netns/berth-u1',
    hostname: 'web-1',
    volumes: [],
    cgroupsPath: '/berth/u1/app',
    cgroupVersion: 'v1',
    ...over,
  };
}

describe('buildOciSpec', () => {
  test('process from the image when the pod sets nothing', () => {
    const spec = buildOciSpec(input());
    expect(spec.process.args).toEqual(['/bin/sh', '-c', 'echo hi']);
    expect(spec.process.cwd).toBe('/srv');
    expect(spec.process.env).toEqual(['PATH=/bin:/usr/bin', 'IMG=1', 'HOSTNAME=web-1', 'HOME=/']);
    expect(spec.process.user).toEqual({ uid: 0, gid: 0 });
    expect(spec.process.noNewPrivileges).toBe(true);
    expect(spec.root).toEqual({ path: '/var/lib/berth/rootfs/c1', readonly: false });
  });

  test('pod command/args/env/workingDir override the image', () => {
    const spec = buildOciSpec(
      input({}, { command: ['/bin/echo'], args: ['$(GREETING)', 'x'], env: [{ name: 'GREETING', value: 'hello' }, { name: 'IMG', value: '2' }], workingDir: '/tmp' }),
    );
    expect(spec.process.args).toEqual(['/bin/echo', 'hello', 'x']);
    expect(spec.process.env).toEqual(['PATH=/bin:/usr/bin', 'IMG=2', 'HOSTNAME=web-1', 'HOME=/', 'GREETING=hello']);
    expect(spec.process.cwd).toBe('/tmp');
  });

  test('defaults: PATH and cwd /', () => {
    const spec = buildOciSpec(input({ image: { Cmd: ['sh'] } }));
    expect(spec.process.env).toContain(`PATH=${DEFAULT_PATH}`);
    expect(spec.process.cwd).toBe('/');
  });

  test('named user resolved from the image passwd/group', () => {
    const spec = buildOciSpec(
      input({ image: { Cmd: ['sh'], User: 'app' }, imagePasswd: 'app:x:1000:1000::/home/app:/bin/sh\n', imageGroup: 'app:x:1000:\nwheel:x:10:app\n' }),
    );
    expect(spec.process.user).toEqual({ uid: 1000, gid: 1000, additionalGids: [10] });
    expect(spec.process.env).toContain('HOME=/home/app');
    expect(spec.process.capabilities.bounding).toEqual(DEFAULT_CAPABILITIES);
    expect(spec.process.capabilities.effective).toEqual([]);
  });

  test('unknown named user is an error', () => {
    expect(() => buildOciSpec(input({ image: { Cmd: ['sh'], User: 'ghost' }, imagePasswd: 'root:x:0:0::/root:/bin/sh' }))).toThrow(UnknownUserError);
  });

  test('namespaces, hostname, caps, masked and readonly paths, rlimits', () => {
    const spec = buildOciSpec(input());
    expect(spec.hostname).toBe('web-1');
    expect(spec.linux.namespaces).toEqual([{ type: 'pid' }, { type: 'mount' }, { type: 'ipc' }, { type: 'uts' }, { type: 'network', path: '/var/run/netns/berth-u1' }]);
    expect(spec.process.capabilities.effective).toHaveLength(14);
    expect(spec.process.capabilities.effective).toContain('CAP_NET_RAW');
    expect(spec.process.capabilities.effective).not.toContain('CAP_SYS_ADMIN');
    expect(spec.linux.maskedPaths).toEqual(MASKED_PATHS);
    expect(spec.linux.readonlyPaths).toEqual(READONLY_PATHS);
    expect(spec.process.rlimits).toEqual([{ type: 'RLIMIT_NOFILE', hard: 1048576, soft: 1048576 }]);
    expect(spec.linux.cgroupsPath).toBe('/berth/u1/app');
  });

  test('default mounts, /etc files and volumes (readOnly honoured)', () => {
    const spec = buildOciSpec(
      input({
        hostsPath: '/pods/u1/hosts',
        resolvConfPath: '/pods/u1/resolv.conf',
        volumes: [
          { containerPath: '/data', hostPath: '/pods/u1/volumes/data', readOnly: false },
          { containerPath: '/cfg', hostPath: '/etc/app', readOnly: true },
        ],
      }),
    );
    expect(spec.mounts.map((m) => m.destination)).toEqual(['/proc', '/dev', '/dev/pts', '/dev/shm', '/dev/mqueue', '/sys', '/sys/fs/cgroup', '/etc/hosts', '/etc/resolv.conf', '/data', '/cfg']);
    expect(spec.mounts.find((m) => m.destination === '/sys')?.options).toContain('ro');
    expect(spec.mounts.find((m) => m.destination === '/data')).toEqual({ destination: '/data', type: 'bind', source: '/pods/u1/volumes/data', options: ['rbind', 'rprivate'] });
    expect(spec.mounts.find((m) => m.destination === '/cfg')?.options).toEqual(['rbind', 'rprivate', 'ro']);
  });

  test('NOFILE capped by the creator\'s hard limit', () => {
    expect(buildOciSpec(input({ maxNofile: 20000 })).process.rlimits).toEqual([{ type: 'RLIMIT_NOFILE', hard: 20000, soft: 20000 }]);
  });

  test('tty', () => expect(buildOciSpec(input({}, { tty: true })).process.terminal).toBe(true));
});

describe('containerResources', () => {
  const res = (limits: Record<string, string>, requests: Record<string, string> = {}) => ({ resources: { limits, requests } });
  test.each([
    ['nothing set: minimum shares only', res({}), 'v1', { cpu: { shares: 2 } }],
    ['memory limit v1', res({ memory: '16Mi' }), 'v1', { memory: { limit: 16777216 }, cpu: { shares: 2 } }],
    ['memory limit v2 disables swap', res({ memory: '16Mi' }), 'v2', { memory: { limit: 16777216, swap: 16777216 }, cpu: { shares: 2 } }],
    ['cpu limit only: request defaults to it', res({ cpu: '500m' }), 'v1', { cpu: { shares: 512, quota: 50000, period: 100000 } }],
    ['cpu request and limit', res({ cpu: '2' }, { cpu: '250m' }), 'v1', { cpu: { shares: 256, quota: 200000, period: 100000 } }],
    ['tiny cpu limit floors at 1 ms quota', res({ cpu: '1m' }), 'v1', { cpu: { shares: 2, quota: 1000, period: 100000 } }],
    ['request only', res({}, { cpu: '1' }), 'v2', { cpu: { shares: 1024 } }],
  ] as const)('%s', (_name, ctr, version, want) => {
    expect(containerResources(ctr, version)).toEqual({ devices: [{ allow: false, access: 'rwm' }], ...want });
  });

  test('malformed quantity', () => expect(() => containerResources(res({ memory: 'lots' }), 'v1')).toThrow(InvalidQuantityError));
});
