import { ObjectMeta, kindByManifestKind } from '../../../lib/api';
import { OwnerGraph } from './owner-graph';
import type { GcObject } from './plan';

const obj = (kind: string, uid: string, owners: string[] = []): GcObject => ({
  plural: kindByManifestKind(kind)!.plural,
  kind,
  meta: ObjectMeta.fromPartial({ name: uid, namespace: 'default', uid, ownerReferences: owners.map((o) => ({ kind: 'ReplicaSet', name: o, uid: o, controller: true })) }),
});
const uids = (l: GcObject[]) => l.map((o) => o.meta.uid).sort();

describe('OwnerGraph', () => {
  it('indexes dependents by owner uid, even before the owner is known', () => {
    const g = new OwnerGraph();
    g.upsert(obj('Pod', 'p1', ['rs']));
    g.upsert(obj('Pod', 'p2', ['rs']));
    expect(uids(g.dependentsOf('rs'))).toEqual(['p1', 'p2']);
    g.upsert(obj('ReplicaSet', 'rs'));
    expect(uids(g.neighbourhood('rs'))).toEqual(['p1', 'p2', 'rs']);
    expect(uids(g.neighbourhood('p1'))).toEqual(['p1', 'rs']);
  });

  it('reports owners an update no longer references and unlinks removed objects', () => {
    const g = new OwnerGraph();
    g.upsert(obj('Pod', 'p', ['a', 'b']));
    expect(g.upsert(obj('Pod', 'p', ['b']))).toEqual(['a']);
    expect(g.dependentsOf('a')).toEqual([]);
    expect(g.remove('p')?.meta.uid).toBe('p');
    expect(g.dependentsOf('b')).toEqual([]);
    expect(g.remove('p')).toBeUndefined();
    expect(g.neighbourhood('p')).toEqual([]);
  });
});
