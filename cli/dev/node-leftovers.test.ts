import { mountsUnder, processesUnder, vethPeerNetns } from './node-leftovers';

describe('vethPeerNetns', () => {
  it('names the pod netns the node bridge veths peer with, once each', () => {
    const out = [
      '4: veth1a2b@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 master cni0 state UP\\    link/ether 2e:c6 brd ff:ff link-netns berth-1234abcd',
      '5: veth9f8e@if2: <BROADCAST> mtu 1500\\    link/ether 2e:c7 brd ff:ff link-netns berth-feedbeef',
      '6: vethdup@if3: <BROADCAST> mtu 1500\\    link/ether 2e:c8 brd ff:ff link-netns berth-feedbeef',
      '2: eth0@if9: <BROADCAST> mtu 1500\\    link/ether 2e:c9 brd ff:ff link-netnsid 0',
    ].join('\n');
    expect(vethPeerNetns(out).sort()).toEqual(['berth-1234abcd', 'berth-feedbeef']);
    expect(vethPeerNetns('')).toEqual([]);
  });
});

describe('mountsUnder', () => {
  const info = [
    '22 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw',
    '100 22 0:50 / /srv/.berth/nodes/1/containers/abc/rootfs rw - overlay overlay rw,lowerdir=x',
    '101 100 0:51 / /srv/.berth/nodes/1/containers/abc/rootfs/dev/shm rw - tmpfs shm rw',
    '102 22 0:52 / /srv/.berth/nodes/1/pods/u1/volumes/my\\040data rw - tmpfs tmpfs rw',
    '103 22 0:53 / /srv/.berth-other/x rw - tmpfs tmpfs rw',
    '104 22 0:54 / /srv/.berth rw - tmpfs tmpfs rw',
  ].join('\n');

  it('lists mounts at or below the directory, deepest first, decoding escapes', () => {
    expect(mountsUnder(info, '/srv/.berth')).toEqual([
      '/srv/.berth/nodes/1/containers/abc/rootfs/dev/shm',
      '/srv/.berth/nodes/1/pods/u1/volumes/my data',
      '/srv/.berth/nodes/1/containers/abc/rootfs',
      '/srv/.berth',
    ]);
  });

  it('does not take a sibling with the same prefix', () => {
    expect(mountsUnder(info, '/srv/.berth/nodes/2')).toEqual([]);
    expect(mountsUnder(info, '/srv/.berth-other')).toEqual(['/srv/.berth-other/x']);
  });
});

describe('processesUnder', () => {
  const procs = [
    { pid: 10, argv: ['conmon', '-b', '/d/nodes/1/containers/c1', '-p', '/d/nodes/1/containers/c1/pid'] },
    { pid: 11, argv: ['crun', '--root=/d/nodes/1/runtime', 'create', 'c2'] },
    { pid: 12, argv: ['conmon', '-b', '/d/nodes/10/containers/c3'] },
    { pid: 13, argv: ['sleep', '100'] },
    { pid: 99, argv: ['node', 'berth', 'dev', 'down', '--dir', '/d/nodes/1/x'] },
  ];
  it("finds monitors and runtime calls of this node's root only, never itself", () => {
    expect(processesUnder(procs, '/d/nodes/1', 99)).toEqual([10, 11]);
  });
});
