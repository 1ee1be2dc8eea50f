import { parseReference } from '../../lib/image/reference';
import { defaultPullPolicy, shouldPull, type PullPolicy } from './pull-policy';

const D = 'sha256:' + '1'.repeat(64);

test.each<[string, PullPolicy | '', boolean, boolean]>([
  ['app', '', false, true],
  ['app', '', true, true], // no tag → latest → Always
  ['app:latest', '', true, true],
  ['app:1.0', '', true, false],
  ['app:1.0', '', false, true],
  [`app@${D}`, '', true, false],
  [`app:latest@${D}`, '', true, false],
  ['app:1.0', 'Always', true, true],
  ['app:latest', 'IfNotPresent', true, false],
  ['app:latest', 'IfNotPresent', false, true],
  ['app:latest', 'Never', false, false],
  ['app:1.0', 'Never', true, false],
])('%s policy=%j have=%s → pull=%s', (ref, policy, have, want) => {
  expect(shouldPull(policy, parseReference(ref), have)).toBe(want);
});

test('defaults', () => {
  expect(defaultPullPolicy({ tag: undefined })).toBe('Always');
  expect(defaultPullPolicy({ tag: 'v1' })).toBe('IfNotPresent');
});
