import { ObjectMeta, kindByManifestKind } from '../../../lib/api';
import { FOREGROUND_FINALIZER, ORPHAN_FINALIZER, needsGc, planGc, planGcFor, type GcObject } from './plan';

const obj = (kind: string, name: string, o: { owner?: [string, string]; deleting?: boolean; finalizers?: string[] } = {}): GcObject => ({
  plural: kindByManifestKind(kind)!.plural,
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

describe('planGcFor (one object, from its neighbourhood)', () => {
  it('judges only the object itself as orphaned, not a dependent whose other owner is outside the neighbourhood', () => {
    const rs = obj('ReplicaSet', 'web-a', { owner: ['Deployment', 'web'] });
    const pod = obj('Pod', 'web-a-x', { owner: ['ReplicaSet', 'web-a'] });
    expect(names(planGcFor('web-a', [rs, pod]).deleteOrphaned)).toEqual(['web-a']);
    expect(planGcFor('web-a-x', [pod, rs]).deleteOrphaned).toEqual([]);
  });

  it('foreground and orphan actions follow the owner being deleted', () => {
    const fg = obj('Deployment', 'web', { deleting: true, finalizers: [FOREGROUND_FINALIZER] });
    const rs = obj('ReplicaSet', 'web-a', { owner: ['Deployment', 'web'] });
    expect(names(planGcFor('web', [fg, rs]).deleteForeground)).toEqual(['web-a']);
    expect(planGcFor('web-a', [rs, fg]).deleteForeground).toEqual([]);
    expect(planGcFor('web', [fg]).removeFinalizer.map((r) => r.finalizer)).toEqual([FOREGROUND_FINALIZER]);
    const orphaning = obj('Deployment', 'web', { deleting: true, finalizers: [ORPHAN_FINALIZER] });
    expect(planGcFor('web', [orphaning, rs]).orphan.map((o) => [o.obj.meta.name, o.ownerUids])).toEqual([['web-a', ['web']]]);
  });
});

describe('needsGc', () => {
  const known = (uids: string[]) => (r: { uid: string }) => uids.includes(r.uid);
  it.each([
    ['owner known', obj('Pod', 'p', { owner: ['ReplicaSet', 'rs'] }), ['rs'], false],
    ['owner missing', obj('Pod', 'p', { owner: ['ReplicaSet', 'rs'] }), [], true],
    ['no owners', obj('Pod', 'p'), [], false],
    ['deleting with the foreground finalizer', obj('Deployment', 'd', { deleting: true, finalizers: [FOREGROUND_FINALIZER] }), [], true],
    ['deleting without GC finalizers', obj('Deployment', 'd', { deleting: true }), [], false],
  ])('%s', (_n, o, uids, want) => expect(needsGc(o, known(uids))).toBe(want));
});
