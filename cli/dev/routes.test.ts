import { hostRoutes, missingRoutes, nodeRoutes, parseRoutes, type NodeRouting } from './routes';
import { makeSettings, nodeHost } from './topology';

const s = makeSettings({ dir: '/d', nodes: 3, runtime: 'crun' });
const routing: NodeRouting[] = [
  { node: nodeHost(s, 1), podCidr: '10.244.0.0/24' },
  { node: nodeHost(s, 2), podCidr: '10.244.1.0/24' },
  { node: nodeHost(s, 3), podCidr: '' },
];

describe('host-gw routes', () => {
  it('the host reaches each assigned podCIDR via its node, over the bridge', () => {
    expect(hostRoutes(routing, 'berth0')).toEqual([
      { dst: '10.244.0.0/24', via: '10.77.0.11', dev: 'berth0' },
      { dst: '10.244.1.0/24', via: '10.77.0.12', dev: 'berth0' },
    ]);
  });

  it("a node reaches the other nodes' podCIDRs, not its own", () => {
    expect(nodeRoutes(routing, nodeHost(s, 1))).toEqual([{ dst: '10.244.1.0/24', via: '10.77.0.12', dev: 'eth0' }]);
    expect(nodeRoutes(routing, nodeHost(s, 3))).toHaveLength(2);
  });
});

describe('parseRoutes + missingRoutes', () => {
  const out = [
    'default via 192.168.1.1 dev eth0 proto dhcp src 192.168.1.5 metric 100',
    '10.77.0.0/24 dev berth0 proto kernel scope link src 10.77.0.1',
    '10.244.0.0/24 via 10.77.0.11 dev berth0',
    '10.244.1.0/24 via 10.77.0.99 dev berth0',
    '',
  ].join('\n');

  it('reads gateway routes', () => {
    const r = parseRoutes(out);
    expect(r.get('10.244.0.0/24')).toEqual({ dst: '10.244.0.0/24', via: '10.77.0.11', dev: 'berth0' });
    expect(r.get('default')?.via).toBe('192.168.1.1');
    expect(r.has('10.77.0.0/24')).toBe(false);
  });

  it.each([
    ['present and right', { dst: '10.244.0.0/24', via: '10.77.0.11', dev: 'berth0' }, false],
    ['pointing at another node', { dst: '10.244.1.0/24', via: '10.77.0.12', dev: 'berth0' }, true],
    ['absent', { dst: '10.244.2.0/24', via: '10.77.0.13', dev: 'berth0' }, true],
    ['on another device', { dst: '10.244.0.0/24', via: '10.77.0.11', dev: 'eth0' }, true],
  ])('a route %s is missing: %s', (_what, route, missing) => {
    expect(missingRoutes([route], parseRoutes(out))).toEqual(missing ? [route] : []);
  });
});
