import { hasMountsBelow, isSelfBind } from './cgroup-namespace';

const info = [
  '26 1 254:0 / / rw,relatime - ext4 /dev/vda rw',
  '90 26 254:0 /tmp/a/root /tmp/a/root rw,relatime shared:7 - ext4 /dev/vda rw',
  '91 90 0:50 / /tmp/a/root/pods/x/rootfs rw shared:8 - overlay overlay rw',
  '92 26 0:51 / /var/lib/berth rw - ext4 /dev/vdb rw',
].join('\n');

test.each([
  ['a bind of itself', '/tmp/a/root', true],
  ['a filesystem of its own', '/var/lib/berth', false],
  ['no mount', '/tmp/a', false],
])('isSelfBind: %s', (_n, dir, want) => expect(isSelfBind(info, dir)).toBe(want));

test.each([
  ['an overlay below', '/tmp/a/root', true],
  ['only itself', '/var/lib/berth', false],
  ['a prefix is not a parent', '/tmp/a/ro', false],
])('hasMountsBelow: %s', (_n, dir, want) => expect(hasMountsBelow(info, dir)).toBe(want));
