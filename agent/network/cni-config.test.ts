import { netnsName, pluginNetconf, podAddress, podNetworkChain } from './cni-config';

describe('podNetworkChain', () => {
  const base = { podCidr: '10.244.1.0/24', bridgeName: 'berth0', ipamDataDir: '/var/lib/berth/ipam', portMappings: [] };
  test('bridge + host-local, no masquerade, no portmap without hostPorts', () => {
    const chain = podNetworkChain(base);
    expect(chain.map((c) => c.type)).toEqual(['bridge']);
    expect(chain[0]).toMatchObject({ bridge: 'berth0', isGateway: true, ipMasq: false, ipam: { type: 'host-local', ranges: [[{ subnet: '10.244.1.0/24' }]], dataDir: '/var/lib/berth/ipam' } });
  });
  test('portmap with the mappings when hostPorts are asked for', () => {
    const pm = [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' as const }];
    const chain = podNetworkChain({ ...base, portMappings: pm });
    expect(chain.map((c) => c.type)).toEqual(['bridge', 'portmap']);
    expect(chain[1]).toMatchObject({ runtimeConfig: { portMappings: pm } });
  });
});

test('pluginNetconf adds version, name and prevResult', () => {
  expect(pluginNetconf({ type: 'portmap' }, { ips: [] })).toEqual({ cniVersion: '1.0.0', name: 'berth', type: 'portmap', prevResult: { ips: [] } });
  expect(pluginNetconf({ type: 'loopback' })).toEqual({ cniVersion: '1.0.0', name: 'berth', type: 'loopback' });
});

describe('podAddress', () => {
  test.each([
    [
      'bridge result: IP on the sandbox interface',
      {
        interfaces: [{ name: 'cni0' }, { name: 'veth1' }, { name: 'eth0', sandbox: '/var/run/netns/x' }],
        ips: [{ address: '10.244.1.5/24', gateway: '10.244.1.1', interface: 2 }],
      },
      { ip: '10.244.1.5', gateway: '10.244.1.1' },
    ],
    ['no interface index', { ips: [{ address: '10.0.0.2/16' }] }, { ip: '10.0.0.2', gateway: '' }],
    ['no ips', { interfaces: [] }, undefined],
  ])('%s', (_n, result, want) => expect(podAddress(result)).toEqual(want));
});

test.each([
  ['3f2a9c1e-7b44-4c1d-9e8f-0a1b2c3d4e5f', 'berth-3f2a9c1e7b44'],
  ['ABC', 'berth-abc'],
])('netnsName(%s)', (uid, want) => expect(netnsName(uid)).toBe(want));
