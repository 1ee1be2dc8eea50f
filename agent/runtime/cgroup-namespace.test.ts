import { hasMountsBelow, isSelfBind, launchLine } from './cgroup-namespace';
import { RuntimeError } from './container-runtime';

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

test('launchLine quotes every word and refuses a newline', () => {
  const m = { cwd: '/a b', cmd: 'conmon', args: ["it's", '$(x)'], logFile: '/l', syncEnv: '_OCI_SYNCPIPE' };
  expect(launchLine('r7', m)).toBe(`r7 cd '/a b' && _OCI_SYNCPIPE=3 exec 'conmon' 'it'\\''s' '$(x)' >>'/l' 2>&1 </dev/null\n`);
  expect(() => launchLine('r8', { ...m, args: ['a\nb'] })).toThrow(RuntimeError);
});
