import { InvalidReferenceError, familiarName, manifestSelector, parseReference, withDigest } from './reference';

const D = 'sha256:' + 'a'.repeat(64);
const D512 = 'sha512:' + 'b'.repeat(128);

// input → [domain, path, tag, digest, full, familiar]
const valid: Array<[string, string, string, string | undefined, string | undefined, string, string]> = [
  ['ubuntu', 'docker.io', 'library/ubuntu', 'latest', undefined, 'docker.io/library/ubuntu:latest', 'ubuntu:latest'],
  ['ubuntu:14.04', 'docker.io', 'library/ubuntu', '14.04', undefined, 'docker.io/library/ubuntu:14.04', 'ubuntu:14.04'],
  ['library/ubuntu', 'docker.io', 'library/ubuntu', 'latest', undefined, 'docker.io/library/ubuntu:latest', 'ubuntu:latest'],
  ['docker.io/ubuntu', 'docker.io', 'library/ubuntu', 'latest', undefined, 'docker.io/library/ubuntu:latest', 'ubuntu:latest'],
  ['docker.io/library/ubuntu:22.04', 'docker.io', 'library/ubuntu', '22.04', undefined, 'docker.io/library/ubuntu:22.04', 'ubuntu:22.04'],
  ['index.docker.io/ubuntu', 'docker.io', 'library/ubuntu', 'latest', undefined, 'docker.io/library/ubuntu:latest', 'ubuntu:latest'],
  ['team/app', 'docker.io', 'team/app', 'latest', undefined, 'docker.io/team/app:latest', 'team/app:latest'],
  ['team/app/sub:v1', 'docker.io', 'team/app/sub', 'v1', undefined, 'docker.io/team/app/sub:v1', 'team/app/sub:v1'],
  ['localhost/app', 'localhost', 'app', 'latest', undefined, 'localhost/app:latest', 'localhost/app:latest'],
  ['localhost:5000/team/app:v2', 'localhost:5000', 'team/app', 'v2', undefined, 'localhost:5000/team/app:v2', 'localhost:5000/team/app:v2'],
  ['127.0.0.1:5000/app', '127.0.0.1:5000', 'app', 'latest', undefined, '127.0.0.1:5000/app:latest', '127.0.0.1:5000/app:latest'],
  ['[::1]:5000/app:1.0', '[::1]:5000', 'app', '1.0', undefined, '[::1]:5000/app:1.0', '[::1]:5000/app:1.0'],
  ['registry.example.com/a/b', 'registry.example.com', 'a/b', 'latest', undefined, 'registry.example.com/a/b:latest', 'registry.example.com/a/b:latest'],
  [`host:443/a/b@${D}`, 'host:443', 'a/b', undefined, D, `host:443/a/b@${D}`, `host:443/a/b@${D}`],
  [`ubuntu@${D}`, 'docker.io', 'library/ubuntu', undefined, D, `docker.io/library/ubuntu@${D}`, `ubuntu@${D}`],
  [`ubuntu:14.04@${D}`, 'docker.io', 'library/ubuntu', '14.04', D, `docker.io/library/ubuntu:14.04@${D}`, `ubuntu:14.04@${D}`],
  [`a.b/c@${D512}`, 'a.b', 'c', undefined, D512, `a.b/c@${D512}`, `a.b/c@${D512}`],
  ['my-host.local:5000/my_app:V1.0-rc_1', 'my-host.local:5000', 'my_app', 'V1.0-rc_1', undefined, 'my-host.local:5000/my_app:V1.0-rc_1', 'my-host.local:5000/my_app:V1.0-rc_1'],
  ['a__b/c--d.e', 'docker.io', 'a__b/c--d.e', 'latest', undefined, 'docker.io/a__b/c--d.e:latest', 'a__b/c--d.e:latest'],
  [`app:${'t'.repeat(128)}`, 'docker.io', 'library/app', 't'.repeat(128), undefined, `docker.io/library/app:${'t'.repeat(128)}`, `app:${'t'.repeat(128)}`],
  ['Foo/bar', 'Foo', 'bar', 'latest', undefined, 'Foo/bar:latest', 'Foo/bar:latest'],
  ['a/b:1', 'docker.io', 'a/b', '1', undefined, 'docker.io/a/b:1', 'a/b:1'],
  ['docker.io/library/a/b', 'docker.io', 'library/a/b', 'latest', undefined, 'docker.io/library/a/b:latest', 'library/a/b:latest'],
];

// input → substring of the reason
const invalid: Array<[string, string]> = [
  ['', 'empty'],
  [' ubuntu', 'spaces'],
  ['Ubuntu', 'must be lowercase'],
  ['UBUNTU:latest', 'must be lowercase'],
  ['localhost:5000/Team/app', 'must be lowercase'],
  ['Foo::bar', 'must be lowercase'],
  ['app::bar', 'invalid repository name component'],
  ['ubuntu:', 'tag is empty'],
  [':latest', 'repository name is empty'],
  ['ubuntu:.bad', 'invalid tag'],
  ['ubuntu:-bad', 'invalid tag'],
  ['localhost:5000/app:v1:v2', 'invalid repository name component'],
  ['ubuntu:a+b', 'invalid tag'],
  [`app:${'t'.repeat(129)}`, 'longer than 128'],
  ['ubuntu@sha256:abc', '64 hex digits'],
  [`ubuntu@sha256:${'A'.repeat(64)}`, 'lowercase hex'],
  [`ubuntu@md5:${'a'.repeat(32)}`, 'unsupported digest algorithm'],
  ['ubuntu@', 'digest must look like'],
  [`ubuntu@:${'a'.repeat(64)}`, 'digest must look like'],
  [`ubuntu@SHA256:${'a'.repeat(64)}`, 'invalid digest algorithm'],
  ['a'.repeat(64), '64-byte hexadecimal'],
  ['team//app', 'empty path component'],
  ['team/app/', 'empty path component'],
  ['/app', 'empty path component'],
  ['-host.com/app', 'invalid registry host'],
  ['host.com:port/app', 'invalid registry host'],
  ['a/_b', 'invalid repository name component'],
  ['a/b_', 'invalid repository name component'],
  ['a/b...c', 'invalid repository name component'],
  ['a/b___c', 'invalid repository name component'],
  ['ubu$ntu', 'invalid repository name component'],
  ['localhost:5000/', 'repository name is empty'],
  [`${'x'.repeat(250)}.com/${'y'.repeat(10)}`, 'longer than 255'],
];

describe('parseReference: valid', () => {
  test.each(valid)('%s', (input, domain, path, tag, digest, full, familiar) => {
    const ref = parseReference(input);
    expect({ domain: ref.domain, path: ref.path, tag: ref.tag, digest: ref.digest }).toEqual({ domain, path, tag, digest });
    expect(ref.name).toBe(`${domain}/${path}`);
    expect(ref.full()).toBe(full);
    expect(ref.familiar()).toBe(familiar);
    // full() is itself a valid reference that parses to the same thing
    expect(parseReference(ref.full()).full()).toBe(full);
  });
});

describe('parseReference: invalid', () => {
  test.each(invalid)('%j', (input, reason) => {
    let caught: unknown;
    try {
      parseReference(input);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InvalidReferenceError);
    const e = caught as InvalidReferenceError;
    expect(e.message.startsWith(`invalid reference format "${input}": `)).toBe(true);
    expect(e.reason).toContain(reason);
  });
});

test('has at least 40 cases', () => {
  expect(valid.length + invalid.length).toBeGreaterThanOrEqual(40);
});

test('the digest is what gets pulled when both tag and digest are given', () => {
  expect(manifestSelector(parseReference(`app:1@${D}`))).toBe(D);
  expect(manifestSelector(parseReference('app:1'))).toBe('1');
  expect(manifestSelector(parseReference('app'))).toBe('latest');
});

test('withDigest pins and keeps the tag; familiarName', () => {
  expect(withDigest(parseReference('app:1'), D).full()).toBe(`docker.io/library/app:1@${D}`);
  expect(familiarName('docker.io', 'library/a/b')).toBe('library/a/b');
  expect(familiarName('quay.io', 'x')).toBe('quay.io/x');
});
