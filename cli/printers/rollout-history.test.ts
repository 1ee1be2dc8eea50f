import { Deployment, ReplicaSet } from '../../lib/api/types';
import { CHANGE_CAUSE_ANNOTATION, IMAGE_DIGESTS_ANNOTATION, REVISION_ANNOTATION, revisionsOf } from '../../lib/rollout';
import { historyTable, revisionDetail } from './rollout-history';

const HEX_A = 'a'.repeat(64);
const HEX_B = '0123456789abcdef'.repeat(4);
const deploy = Deployment.fromPartial({ metadata: { name: 'web', uid: 'd1' } });
const rs = (rev: number, containers: { name: string; image: string }[], digests: Record<string, string>, cause = '') =>
  ReplicaSet.fromPartial({
    metadata: {
      name: `web-${rev}`,
      annotations: { [REVISION_ANNOTATION]: String(rev), [IMAGE_DIGESTS_ANNOTATION]: JSON.stringify(digests), ...(cause ? { [CHANGE_CAUSE_ANNOTATION]: cause } : {}) },
      ownerReferences: [{ uid: 'd1', controller: true }],
    },
    spec: { template: { metadata: { labels: { app: 'web', 'pod-template-hash': `h${rev}` } }, spec: { containers } } },
  });

const revs = revisionsOf(deploy, [
  rs(2, [{ name: 'web', image: 'app:2.0' }, { name: 'log', image: 'busybox' }], { web: `localhost:5000/app@sha256:${HEX_B}` }, 'berth set image deploy/web web=app:2.0'),
  rs(1, [{ name: 'web', image: 'app:1.0' }], { web: `localhost:5000/app@sha256:${HEX_A}` }),
]);

describe('rollout history', () => {
  test('table: revisions oldest first, tag with short digest, change cause or <none>', () => {
    expect(historyTable('deployment.apps/web', revs)).toBe(
      [
        'deployment.apps/web',
        'REVISION   IMAGES                                        CHANGE-CAUSE',
        '1          web=app:1.0@sha256:aaaaaaaaaaaa               <none>',
        '2          web=app:2.0@sha256:0123456789ab,log=busybox   berth set image deploy/web web=app:2.0',
        '',
      ].join('\n'),
    );
  });

  test('one revision: full digests, and says when none was recorded', () => {
    const text = revisionDetail('deployment.apps/web', revs[1]);
    expect(text).toContain('deployment.apps/web with revision #2\n');
    expect(text).toContain(`    Image digest:\tlocalhost:5000/app@sha256:${HEX_B}\n`);
    expect(text).toContain('   log:\n    Image:\tbusybox\n    Image digest:\t<not recorded>\n');
    expect(text).toContain('kubernetes.io/change-cause: berth set image deploy/web web=app:2.0');
  });
});
