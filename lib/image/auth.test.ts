import { parseChallenge } from './auth';

test.each<[string, ReturnType<typeof parseChallenge>]>([
  ['Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/ubuntu:pull"', { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/ubuntu:pull' } }],
  ['Basic realm="Registry Realm"', { scheme: 'basic', params: { realm: 'Registry Realm' } }],
  ['Bearer realm="http://a/t", scope="repository:a:pull,push"', { scheme: 'bearer', params: { realm: 'http://a/t', scope: 'repository:a:pull,push' } }],
  ['bearer realm=http://a/t,service=x', { scheme: 'bearer', params: { realm: 'http://a/t', service: 'x' } }],
  ['Bearer realm="q\\"x"', { scheme: 'bearer', params: { realm: 'q"x' } }],
  ['', undefined],
])('%s', (header, want) => expect(parseChallenge(header)).toEqual(want));
