import { Deployment, ReplicaSet } from '../api';
import { findRevision, findRevisionByTag, previousRevision, revisionsOf, rollbackTemplate } from './history';
import { POD_TEMPLATE_HASH_LABEL, REVISION_ANNOTATION, IMAGE_DIGESTS_ANNOTATION, sameTemplate, templateHash } from './template-hash';

const deploy = Deployment.fromPartial({ metadata: { name: 'web', namespace: 'default', uid: 'd1' } });
const rs = (rev: number, image: string, digest = '', owner = 'd1') =>
  ReplicaSet.fromPartial({
    metadata: {
      name: `web-${rev}`,
      annotations: { [REVISION_ANNOTATION]: String(rev), ...(digest ? { [IMAGE_DIGESTS_ANNOTATION]: JSON.stringify({ web: digest }) } : {}) },
      ownerReferences: [{ uid: owner, controller: true, kind: 'Deployment', name: 'web' }],
    },
    spec: { template: { metadata: { labels: { app: 'web', [POD_TEMPLATE_HASH_LABEL]: `h${rev}` } }, spec: { containers: [{ name: 'web', image }] } } },
  });

describe('rollout history', () => {
  const all = [rs(3, 'app:2.0', 'app@sha256:c'), rs(1, 'app:1.0', 'app@sha256:a'), rs(2, 'app:1.0', 'app@sha256:b'), rs(4, 'other:1.0', '', 'someone-else')];
  const revs = revisionsOf(deploy, all);

  it('lists owned revisions oldest first with their digests', () => {
    expect(revs.map((r) => [r.revision, r.images.web, r.digests.web])).toEqual([
      [1, 'app:1.0', 'app@sha256:a'],
      [2, 'app:1.0', 'app@sha256:b'],
      [3, 'app:2.0', 'app@sha256:c'],
    ]);
  });

  it.each([
    ['tag only: newest revision that ran it', '1.0', 2],
    ['repository and tag', 'app:2.0', 3],
    ['other repository with that tag is not ours', 'other:1.0', undefined],
    ['unknown tag', '9.9', undefined],
  ])('findRevisionByTag %s', (_n, tag, want) => {
    expect(findRevisionByTag(revs, tag)?.revision).toBe(want);
  });

  it('finds revision N and the previous one', () => {
    expect(findRevision(revs, 1)?.replicaSet.metadata?.name).toBe('web-1');
    expect(previousRevision(revs, 3)?.revision).toBe(2);
    expect(previousRevision(revs, 1)).toBeUndefined();
  });

  it('a rollback template drops the hash label and hashes like the original user template', () => {
    const t = rollbackTemplate(revs[0]);
    expect(t?.metadata?.labels).toEqual({ app: 'web' });
    expect(templateHash(t)).toBe(templateHash(revs[0].replicaSet.spec?.template));
    expect(sameTemplate(t, revs[0].replicaSet.spec?.template)).toBe(true);
  });

  it('the hash ignores key order and changes with content and collision count', () => {
    const a = { metadata: { labels: { x: '1', y: '2' } }, spec: { containers: [{ name: 'c', image: 'a:1' }] } };
    const b = { spec: { containers: [{ image: 'a:1', name: 'c' }] }, metadata: { labels: { y: '2', x: '1' } } };
    const h = templateHash(a as never);
    expect(templateHash(b as never)).toBe(h);
    expect(h).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{8,}$/);
    expect(templateHash({ ...a, spec: { containers: [{ name: 'c', image: 'a:2' }] } } as never)).not.toBe(h);
    expect(templateHash(a as never, 1)).not.toBe(h);
  });
});
