import { Deployment, ReplicaSet } from '../../lib/api/types';
import { CHANGE_CAUSE_ANNOTATION, REVISION_ANNOTATION, revisionsOf } from '../../lib/rollout';
import { currentRevision, rolledBack, undoTarget } from './rollout-undo-plan';

const tpl = (image: string, hash?: string) => ({ metadata: { labels: { app: 'web', ...(hash ? { 'pod-template-hash': hash } : {}) } }, spec: { containers: [{ name: 'web', image }] } });
const deploy = (image: string) => Deployment.fromPartial({ metadata: { name: 'web', uid: 'd1', annotations: { [CHANGE_CAUSE_ANNOTATION]: 'now' } }, spec: { replicas: 3, template: tpl(image) } });
const rs = (rev: number, image: string, cause = '') =>
  ReplicaSet.fromPartial({
    metadata: { name: `web-${rev}`, annotations: { [REVISION_ANNOTATION]: String(rev), ...(cause ? { [CHANGE_CAUSE_ANNOTATION]: cause } : {}) }, ownerReferences: [{ uid: 'd1', controller: true }] },
    spec: { template: tpl(image, `h${rev}`) },
  });

// 1: app:1.0, 2: app:2.0, 3: app:1.1, 4: app:3.0 (running)
const revs = revisionsOf(deploy('app:3.0'), [rs(1, 'app:1.0', 'first'), rs(2, 'app:2.0'), rs(3, 'app:1.0-debug'), rs(4, 'app:3.0')]);

describe('undoTarget', () => {
  test.each([
    ['no flags: the revision before the running one', 'app:3.0', {}, 3],
    ['no flags while a rollback to 2 runs: the one before 2', 'app:2.0', {}, 1],
    ['template not stored yet (fresh set image): before the newest', 'app:9.9', {}, 3],
    ['--to-revision', 'app:3.0', { toRevision: 2 }, 2],
    ['--to-revision 0 means previous', 'app:3.0', { toRevision: 0 }, 3],
    ['--to-tag: the newest revision that ran the tag', 'app:3.0', { toTag: '1.0' }, 1],
    ['--to-tag with repository', 'app:3.0', { toTag: 'app:2.0' }, 2],
  ])('%s', (_n, running, choice, want) => {
    expect(undoTarget(deploy(running), revs, choice).revision).toBe(want);
  });

  test.each([
    ['unknown revision', {}, { toRevision: 7 }, 'unable to find specified revision 7 of deployment "web" in history (revisions: 1, 2, 3, 4)'],
    ['unknown tag', {}, { toTag: '0.1' }, 'no revision of deployment "web" ran tag "0.1"'],
    ['both flags', {}, { toRevision: 1, toTag: '1.0' }, 'give --to-revision or --to-tag, not both'],
  ])('%s is refused', (_n, _x, choice, msg) => {
    expect(() => undoTarget(deploy('app:3.0'), revs, choice)).toThrow(msg);
  });

  test('nothing before the first revision; no history at all', () => {
    expect(() => undoTarget(deploy('app:1.0'), revs.slice(0, 1), {})).toThrow('no revision of deployment "web" before revision 1 (revisions: 1)');
    expect(() => undoTarget(deploy('app:1.0'), [], {})).toThrow('no rollout history found for deployment "web"');
  });

  test('current revision prefers the one holding the template', () => {
    expect(currentRevision(deploy('app:2.0'), revs)).toBe(2);
    expect(currentRevision(deploy('new:1'), revs)).toBe(4);
  });
});

describe('rolledBack', () => {
  test('copies the template without the hash label, and the change cause', () => {
    const d = rolledBack(deploy('app:3.0'), revs[0]);
    expect(d?.spec?.template).toEqual(Deployment.fromPartial({ spec: { template: tpl('app:1.0') } }).spec?.template);
    expect(d?.metadata?.annotations[CHANGE_CAUSE_ANNOTATION]).toBe('first');
    expect(d?.spec?.replicas).toBe(3);
  });
  test('drops a change cause the revision did not have', () => {
    expect(rolledBack(deploy('app:3.0'), revs[1])?.metadata?.annotations).toEqual({});
  });
  test('nothing to do when that template already runs', () => {
    expect(rolledBack(deploy('app:2.0'), revs[1])).toBeUndefined();
  });
});
