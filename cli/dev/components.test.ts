import { parse } from 'yaml';
import { agentSpec, controlPlaneSpecs, endpoints, registriesConfig } from './components';
import { makeSettings, nodeHost } from './topology';

const s = makeSettings({ dir: '/d', nodes: 2, runtime: 'crun' });
const berth = ['/usr/bin/node', '/repo/dist/cmd/berth.js'];

function flag(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i < 0 ? undefined : argv[i + 1];
}

describe('dev cluster command lines', () => {
  const specs = new Map(controlPlaneSpecs(s, berth).map((c) => [c.name, c]));

  it('starts the control plane in dependency order', () => {
    expect([...specs.keys()]).toEqual(['etcd', 'nats', 'registry-local', 'registry-bridge', 'apiserver', 'scheduler', 'controller-manager']);
  });

  it('turns on etcd auto-compaction', () => {
    expect(flag(specs.get('etcd')?.argv ?? [], '--auto-compaction-retention')).toBeDefined();
  });

  it('has nodes reach the apiserver and NATS on the bridge address, not loopback', () => {
    expect(flag(specs.get('apiserver')?.argv ?? [], '--listen')).toBe('10.77.0.1:6443');
    expect(flag(specs.get('nats')?.argv ?? [], '-a')).toBe('10.77.0.1');
    expect(endpoints(s)).toMatchObject({ apiserver: '10.77.0.1:6443', nats: 'nats://10.77.0.1:4222', registryName: 'localhost:5000', registryMirror: 'http://10.77.0.1:5000' });
  });

  it('serves the registry on loopback (the name) and on the bridge (the mirror), one storage', () => {
    const local = specs.get('registry-local');
    const bridge = specs.get('registry-bridge');
    expect(local?.readiness).toEqual({ kind: 'http', url: 'http://127.0.0.1:5000/v2/' });
    expect(bridge?.readiness).toEqual({ kind: 'http', url: 'http://10.77.0.1:5000/v2/' });
    const storage = (spec: typeof local) => (parse(spec?.files?.[0]?.content ?? '') as { storage: { filesystem: { rootdirectory: string } } }).storage.filesystem.rootdirectory;
    expect(storage(local)).toBe('/d/registry');
    expect(storage(bridge)).toBe('/d/registry');
  });

  it('gives the controller-manager the cluster CIDR and registry settings', () => {
    const argv = specs.get('controller-manager')?.argv ?? [];
    expect(argv.slice(0, 3)).toEqual([...berth, 'controller-manager']);
    expect(flag(argv, '--cluster-cidr')).toBe('10.244.0.0/16');
    expect(flag(argv, '--registry-config')).toBe('/d/registries.yaml');
  });

  it('enters the node netns with nsenter --net (ip netns exec would hide the cgroups)', () => {
    const a = agentSpec(s, nodeHost(s, 2), berth);
    expect(a.wrapper).toEqual(['nsenter', '--net=/var/run/netns/berth-node-2', '--']);
    expect(a.argv.slice(0, 3)).toEqual([...berth, 'agent']);
    expect(flag(a.argv, '--node-name')).toBe('berth-node-2');
    expect(flag(a.argv, '--root')).toBe('/d/nodes/2');
    expect(flag(a.argv, '--node-ip')).toBe('10.77.0.12');
    expect(flag(a.argv, '--listen')).toBe('10.77.0.12:10250');
    expect(flag(a.argv, '--runtime')).toBe('crun');
    expect(flag(a.argv, '--bridge-name')).toBe('bcni2');
    expect(flag(a.argv, '--cgroup-parent')).toBe('berth-node-2');
  });

  it('maps the registry name to the mirror on the bridge', () => {
    expect(parse(registriesConfig(endpoints(s)))).toEqual({ registries: { 'localhost:5000': { insecure: true, mirrors: ['http://10.77.0.1:5000'] } } });
  });
});
