import { BadRequestError } from '../../lib/errors';
import { makeSettings, nodeHost, nodeHosts } from './topology';

const settings = makeSettings({ dir: '/tmp/d', nodes: 3, runtime: 'crun' });

describe('node host allocation', () => {
  it.each([
    [1, 'berth-node-1', '10.77.0.11', 'berth0v1', '/tmp/d/nodes/1', '10.77.0.11:10250'],
    [2, 'berth-node-2', '10.77.0.12', 'berth0v2', '/tmp/d/nodes/2', '10.77.0.12:10250'],
    [40, 'berth-node-40', '10.77.0.50', 'berth0v40', '/tmp/d/nodes/40', '10.77.0.50:10250'],
  ])('node %i → %s at %s', (i, name, ip, veth, root, listen) => {
    const n = nodeHost(settings, i);
    expect(n).toMatchObject({ name, netns: name, netnsPath: `/var/run/netns/${name}`, ip, prefix: 24, hostVeth: veth, root, agentListen: listen });
  });

  it('follows a configured bridge network', () => {
    const s = makeSettings({ dir: '/d', nodes: 2, runtime: 'runc', bridgeCidr: '192.168.50.1/24' });
    expect(nodeHosts(s).map((n) => n.ip)).toEqual(['192.168.50.11', '192.168.50.12']);
  });

  it.each([0, 245, 300])('refuses node %i outside the /24', (i) => {
    expect(() => nodeHost(settings, i)).toThrow(BadRequestError);
  });

  it('host veth names fit the 15-character interface limit', () => {
    const longest = makeSettings({ dir: '/d', nodes: 99, runtime: 'crun', bridge: 'abcdefghijkl' });
    expect(nodeHost(longest, 99).hostVeth).toBe('abcdefghijklv99');
  });

  it('names nodes after a configured prefix', () => {
    const s = makeSettings({ dir: '/d', nodes: 1, runtime: 'crun', nodePrefix: 'bt-test' });
    expect(nodeHost(s, 1)).toMatchObject({ name: 'bt-test-1', netnsPath: '/var/run/netns/bt-test-1' });
  });
});

describe('makeSettings', () => {
  it.each([
    [{ nodes: 0, runtime: 'crun' }, /--nodes/],
    [{ nodes: 1.5, runtime: 'crun' }, /--nodes/],
    [{ nodes: 1, runtime: 'docker' }, /--runtime/],
    [{ nodes: 1, runtime: 'crun', bridge: 'a-very-long-bridge-name' }, /bridge name/],
    [{ nodes: 1, runtime: 'crun', bridgeCidr: '10.77.0.1' }, /CIDR/],
    [{ nodes: 1, runtime: 'crun', clusterCidr: '10.244.0.0/40' }, /CIDR/],
    [{ nodes: 300, runtime: 'crun' }, /does not fit/],
    [{ nodes: 1, runtime: 'crun', nodePrefix: 'Bad_Prefix' }, /DNS label/],
  ])('refuses %j', (opts, msg) => {
    expect(() => makeSettings({ dir: '/d', ...opts })).toThrow(msg);
  });

  it('fills defaults', () => {
    expect(settings).toMatchObject({ bridge: 'berth0', bridgeCidr: '10.77.0.1/24', clusterCidr: '10.244.0.0/16', ports: { registry: 5000 } });
  });
});
