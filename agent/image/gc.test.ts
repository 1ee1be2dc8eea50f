import { planCollection } from './gc';

test.each([
  [{ blobs: ['a', 'b'], snapshots: ['x'] }, { blobs: new Set(['a']), snapshots: new Set(['x']) }, { blobs: ['b'], snapshots: [] }],
  [{ blobs: [], snapshots: ['x', 'y'] }, { blobs: new Set<string>(), snapshots: new Set<string>() }, { blobs: [], snapshots: ['x', 'y'] }],
  [{ blobs: ['a'], snapshots: [] }, { blobs: new Set(['a', 'z']), snapshots: new Set(['q']) }, { blobs: [], snapshots: [] }],
])('planCollection %#', (have, keep, want) => {
  expect(planCollection(have, keep)).toEqual(want);
});
