import type { Descriptor } from './manifest';
import { parsePlatform, selectPlatformManifest } from './platform';

const d = (digit: string, platform?: Descriptor['platform']): Descriptor => ({ mediaType: 'm', digest: `sha256:${digit.repeat(64)}`, size: 1, platform });
const idx = [d('1', { os: 'linux', architecture: 'amd64' }), d('2', { os: 'linux', architecture: 'arm64', variant: 'v8' }), d('3', { os: 'linux', architecture: 'arm', variant: 'v6' }), d('4', { os: 'linux', architecture: 'arm', variant: 'v7' }), d('5', { os: 'windows', architecture: 'amd64' }), d('6')];

test.each<[string, string | undefined]>([
  ['linux/amd64', '1'],
  ['linux/amd64/v1', '1'],
  ['linux/arm64', '2'],
  ['linux/arm64/v8', '2'],
  ['linux/arm/v7', '4'],
  ['linux/arm/v6', '3'],
  ['linux/arm/v5', undefined],
  ['windows/amd64', '5'],
  ['linux/s390x', undefined],
  ['amd64', '1'],
])('%s → %s', (spec, want) => {
  expect(selectPlatformManifest(idx, parsePlatform(spec))?.digest[7]).toBe(want);
});

test('an entry without a variant matches when no exact variant exists', () => {
  expect(selectPlatformManifest([d('7', { os: 'linux', architecture: 'arm' })], parsePlatform('linux/arm/v7'))?.digest[7]).toBe('7');
});

test.each(['', 'a//b', 'a/b/c/d'])('invalid platform %j', (spec) => expect(() => parsePlatform(spec)).toThrow(/invalid platform/));
