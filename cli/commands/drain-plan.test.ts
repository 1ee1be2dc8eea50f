import { Pod } from '../../lib/api/types';
import { drainPlan } from './drain-plan';

const pod = (name: string, o: { owned?: boolean; emptyDir?: boolean; deleting?: boolean } = {}) =>
  Pod.fromPartial({
    metadata: { name, ownerReferences: o.owned === false ? [] : [{ kind: 'ReplicaSet', name: 'rs', uid: 'u', controller: true }], deletionTimestamp: o.deleting ? '2024-01-01T00:00:00Z' : '' },
    spec: { nodeName: 'n1', volumes: o.emptyDir ? [{ name: 'scratch', emptyDir: {} }] : [] },
  });

const names = (ps: Pod[]) => ps.map((p) => p.metadata?.name);

describe('drainPlan', () => {
  const pods = [pod('rs-pod'), pod('bare', { owned: false }), pod('scratch', { emptyDir: true }), pod('going', { deleting: true })];

  test.each([
    ['defaults: only controller-managed pods without local data', { force: false, deleteEmptyDirData: false }, ['rs-pod'], ['bare', 'scratch']],
    ['--force takes bare pods too', { force: true, deleteEmptyDirData: false }, ['rs-pod', 'bare'], ['scratch']],
    ['--delete-emptydir-data takes pods with emptyDir', { force: false, deleteEmptyDirData: true }, ['rs-pod', 'scratch'], ['bare']],
    ['both flags: everything', { force: true, deleteEmptyDirData: true }, ['rs-pod', 'bare', 'scratch'], []],
  ])('%s', (_n, opts, del, blocked) => {
    const plan = drainPlan(pods, opts);
    expect(names(plan.delete)).toEqual(del);
    expect(plan.blocked.map((b) => b.pod.metadata?.name)).toEqual(blocked);
    expect(names(plan.terminating)).toEqual(['going']);
  });

  test('the reasons name the flag that overrides them', () => {
    const plan = drainPlan(pods, { force: false, deleteEmptyDirData: false });
    expect(plan.blocked.map((b) => b.reason)).toEqual([
      'cannot delete Pods not managed by a controller (use --force to override)',
      'cannot delete Pods with local storage (use --delete-emptydir-data to override)',
    ]);
  });
});
