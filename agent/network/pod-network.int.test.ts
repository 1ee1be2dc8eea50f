import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { Container, Pod } from '../../lib/api/types';
import { freePort, waitUntil } from '../../lib/servers/process';
import { detectCgroupVersion } from '../runtime/cgroup-version';
import { ConmonRuntime } from '../runtime/conmon-runtime';
import { hostNofileHardLimit } from '../runtime/host-limits';
import { buildOciSpec } from '../runtime/oci-spec';
import { detectRuntime } from '../runtime/runtime-select';
import { buildBusyboxRootfs, removeCgroupParent } from '../runtime/test-rootfs';
import { netnsName } from './cni-config';
import { PodNetwork } from './pod-network';

jest.setTimeout(60_000);

const sh = (cmd: string, args: string[]): string => execFileSync(cmd, args, { encoding: 'utf8' });
const netnsList = (): string[] => (fs.existsSync('/var/run/netns') ? fs.readdirSync('/var/run/netns') : []);
const bridgePorts = (br: string): string => sh('ip', ['-o', 'link', 'show', 'master', br]).trim();
const ipamFiles = (dir: string): string[] => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => /^\d+\.\d+\.\d+\.\d+$/.test(f)) : []);

function httpGet(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get(url, { timeout: 3000 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

describe('PodNetwork (CNI bridge + host-local + portmap) with a real container', () => {
  const bridge = `bt${process.pid % 100000}`;
  const podCidr = `10.231.${process.pid % 200}.0/24`;
  let tmp: string;
  let net: PodNetwork;
  let rt: ConmonRuntime;
  let rootfs: string;
  const uid = `a1b2c3d4-${String(process.pid).padStart(4, '0')}-4000-8000-000000000001`;

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-net-'));
    net = new PodNetwork({ stateDir: path.join(tmp, 'net') });
    rt = new ConmonRuntime({ choice: detectRuntime('runc'), stateDir: path.join(tmp, 'rt') });
    rootfs = buildBusyboxRootfs(path.join(tmp, 'rootfs'));
    fs.writeFileSync(path.join(rootfs, 'var/www/index.html'), 'hello from the pod\n');
  });

  afterAll(async () => {
    for (const id of await rt.list()) await rt.delete(id).catch(() => undefined);
    await net.teardown(uid).catch(() => undefined);
    try {
      sh('ip', ['link', 'delete', bridge]);
    } catch {
      // never created
    }
    removeCgroupParent(`berth-net-test-${process.pid}`);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('setup gives an IP in the podCIDR, the container is reachable by pod IP and hostPort; teardown leaves nothing', async () => {
    const netnsBefore = netnsList();
    const hostPort = await freePort();
    const info = await net.setup(uid, { podCidr, bridgeName: bridge, portMappings: [{ hostPort, containerPort: 8080, protocol: 'tcp' }] });
    expect(info.ip.startsWith(podCidr.split('.').slice(0, 3).join('.'))).toBe(true);
    expect(info.netnsPath).toBe(`/var/run/netns/${netnsName(uid)}`);
    expect(sh('ip', ['-n', netnsName(uid), '-o', 'addr', 'show', 'eth0'])).toContain(`${info.ip}/24`);
    expect(sh('ip', ['-n', netnsName(uid), '-o', 'link', 'show', 'lo'])).toContain('UP');

    // Idempotent: the same answer, no second allocation.
    expect(await net.setup(uid, { podCidr, bridgeName: bridge, portMappings: [] })).toEqual(info);
    expect(ipamFiles(path.join(tmp, 'net/ipam/berth'))).toEqual([info.ip]);
    expect(net.list()).toEqual([uid]);

    const container = Container.fromPartial({ name: 'web', command: ['/bin/httpd', '-f', '-p', '8080', '-h', '/var/www'] });
    const pod = Pod.fromPartial({ metadata: { name: 'web', uid }, spec: { containers: [container] } });
    const spec = buildOciSpec({
      pod,
      container,
      image: {},
      rootfsPath: rootfs,
      netnsPath: info.netnsPath,
      hostname: 'web',
      volumes: [],
      cgroupsPath: `/berth-net-test-${process.pid}/web`,
      cgroupVersion: detectCgroupVersion(fs.readFileSync('/proc/self/mounts', 'utf8')),
      maxNofile: hostNofileHardLimit(),
    });
    const bundle = path.join(tmp, 'bundle');
    fs.mkdirSync(bundle);
    fs.writeFileSync(path.join(bundle, 'config.json'), JSON.stringify(spec));
    await rt.create('web', bundle, { logPath: path.join(tmp, 'web.log') });
    await rt.start('web');

    let body = '';
    await waitUntil(async () => (body = await httpGet(`http://${info.ip}:8080/`)) !== '', 10_000, 'httpd on the pod IP');
    expect(body).toBe('hello from the pod\n');
    expect(await httpGet(`http://${info.gateway}:${hostPort}/`)).toBe('hello from the pod\n');

    await rt.stop('web', 0);
    await rt.delete('web');
    await net.teardown(uid);
    expect(netnsList()).toEqual(netnsBefore);
    expect(bridgePorts(bridge)).toBe('');
    expect(ipamFiles(path.join(tmp, 'net/ipam/berth'))).toEqual([]);
    expect(net.list()).toEqual([]);
    expect(sh('iptables-save', [])).not.toContain(`--dport ${hostPort} `);
    // Teardown of what is gone is a no-op.
    await net.teardown(uid);
  });
});
