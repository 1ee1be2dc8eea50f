import { ObjectMeta } from '../../../lib/api';
import { FOREGROUND_FINALIZER, ORPHAN_FINALIZER, planGc, type GcObject } from './plan';

const obj = (kind: string, name: string, o: { owner?: [string, string]; deleting?: boolean; finalizers?: string[] } = {}): GcObject => ({
  ref: `${kind}/default/${name}`,
  kind,
  meta: ObjectMeta.fromPartial({
    name,
    namespace: 'default',
    uid: name,
    deletionTimestamp: o.deleting ? '2024-01-01T00:00:00Z' : '',
    finalizers: o.finalizers ?? [],
    ownerReferences: o.owner ? [{ kind: o.owner[0], name: o.owner[1], uid: o.owner[1], controller: true }] : [],
  }),
});
const names = (l: GcObject[]) => l.map((o) => o.meta.name);

describe('planGc', () => {
  it('deletes dependents whose owner is gone (background), keeps those whose owner lives', () => {
    const p = planGc([obj('Deployment', 'web'), obj('ReplicaSet', 'web-a', { owner: ['Deployment', 'web'] }), obj('ReplicaSet', 'api-a', { owner: ['Deployment', 'api'] }), obj('Pod', 'api-a-x', { owner: ['ReplicaSet', 'api-a'] })]);
    expect(names(p.deleteOrphaned)).toEqual(['api-a']);
  });

  it('an owner uid present under another kind does not count', () => {
    expect(names(planGc([obj('Pod', 'web'), obj('ReplicaSet', 'r', { owner: ['Deployment', 'web'] })]).deleteOrphaned)).toEqual(['r']);
  });

  it('foreground: deletes dependents first, removes the finalizer when none are left', () => {
    const owner = obj('Deployment', 'web', { deleting: true, finalizers: [FOREGROUND_FINALIZER] });
    const p1 = planGc([owner, obj('ReplicaSet', 'web-a', { owner: ['Deployment', 'web'] }), obj('ReplicaSet', 'web-b', { owner: ['Deployment', 'web'], deleting: true })]);
    expect(names(p1.deleteForeground)).toEqual(['web-a']);
    expect(p1.removeFinalizer).toEqual([]);
    const p2 = planGc([owner]);
    expect(p2.removeFinalizer.map((r) => [r.obj.meta.name, r.finalizer])).toEqual([['web', FOREGROUND_FINALIZER]]);
  });

  it('orphan: strips owner references, then removes the finalizer', () => {
    const owner = obj('Deployment', 'web', { deleting: true, finalizers: [ORPHAN_FINALIZER] });
    const p1 = planGc([owner, obj('ReplicaSet', 'web-a', { owner: ['Deployment', 'web'] })]);
    expect(p1.orphan.map((o) => [o.obj.meta.name, o.ownerUids])).toEqual([['web-a', ['web']]]);
    expect(p1.deleteOrphaned).toEqual([]);
    expect(planGc([owner]).removeFinalizer.map((r) => r.finalizer)).toEqual([ORPHAN_FINALIZER]);
  });
});
