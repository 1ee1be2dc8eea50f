import { Pod } from '../../lib/api';
import { hostsFile, podHostname, podResolvConf } from './pod-files';

describe('podHostname', () => {
  it.each([
    ['the pod name', { name: 'web-1' }, {}, 'web-1'],
    ['spec.hostname wins', { name: 'web-1' }, { hostname: 'db' }, 'db'],
    ['cut to 63 without a trailing dash', { name: `${'a'.repeat(62)}-bbbb` }, {}, 'a'.repeat(62)],
  ])('%s', (_name, metadata, spec, want) => {
    expect(podHostname(Pod.fromPartial({ metadata, spec }))).toBe(want);
  });
});

describe('hostsFile', () => {
  it('maps localhost and the pod name to its IP', () => {
    const text = hostsFile('web-1', '10.244.0.5');
    expect(text).toMatch(/^127\.0\.0\.1\tlocalhost$/m);
    expect(text).toMatch(/^10\.244\.0\.5\tweb-1$/m);
  });
});

describe('podResolvConf', () => {
  it.each([
    ['keeps reachable nameservers, search and options', 'nameserver 10.0.0.2\nsearch corp.example\noptions ndots:2\n', ['nameserver 10.0.0.2', 'search corp.example', 'options ndots:2'], true],
    ['drops a loopback stub resolver', 'nameserver 127.0.0.53\noptions edns0\n', ['options edns0'], false],
    ['drops ::1 but keeps the others', 'nameserver ::1\nnameserver 1.1.1.1\n', ['nameserver 1.1.1.1'], true],
    ['drops comments and unknown lines', '# hi\nfoo bar\nnameserver 9.9.9.9\n', ['nameserver 9.9.9.9'], true],
    ['an empty host file becomes a stub', '', [], false],
  ])('%s', (_name, host, lines, hasNameserver) => {
    const out = podResolvConf(host).split('\n');
    expect(out.slice(1).filter(Boolean)).toEqual(lines);
    expect(out[0]).toMatch(hasNameserver ? /from the host/ : /no nameserver/);
  });
});
