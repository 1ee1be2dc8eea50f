import { allocateCidrs, CidrExhaustedError } from './ipam';
import { decideLifecycle, nodesWithPods, type NodeHealthInput } from './health';

const GRACE = 40_000;
const EVICT = 300_000;
const NOW = 1_000_000;
const node = (name: string, o: Partial<NodeHealthInput> = {}): NodeHealthInput => ({ name, lastHeartbeatSeenAt: NOW - 1000, ready: 'True', readySince: 0, hasPods: true, ...o });
const down = (name: string, since = NOW - EVICT): NodeHealthInput => node(name, { lastHeartbeatSeenAt: NOW - GRACE - 1, ready: 'Unknown', readySince: since });

describe('decideLifecycle', () => {
  it.each([
    ['fresh heartbeats: nothing', [node('a'), node('b')], [], [], false],
    ['stale heartbeat: mark Unknown, no eviction yet', [node('a', { lastHeartbeatSeenAt: NOW - GRACE - 1 }), node('b'), node('c')], ['a'], [], false],
    ['Unknown past the eviction timeout: evict', [down('a'), node('b'), node('c')], [], ['a'], false],
    ['Unknown not yet past the timeout: keep', [down('a', NOW - EVICT + 1), node('b'), node('c')], [], [], false],
    ['down node without pods: nothing to evict', [{ ...down('a'), hasPods: false }, node('b'), node('c')], [], [], false],
    ['half down (50%): still evicts', [down('a'), down('b'), node('c'), node('d')], [], ['a', 'b'], false],
    ['2 of 3 down (67% > 55%): evicts nothing, says so', [down('a'), down('b'), node('c')], [], [], true],
    ['all down: evicts nothing', [down('a'), down('b')], [], [], true],
  ])('%s', (_n, nodes, unknown, evict, halted) => {
    const d = decideLifecycle(nodes, NOW, GRACE, EVICT);
    expect(d.markUnknown).toEqual(unknown);
    expect(d.evict).toEqual(evict);
    expect(!!d.evictionHalted).toBe(halted);
  });
});

describe('allocateCidrs', () => {
  it('gives each node without a CIDR the lowest free /24', () => {
    const got = allocateCidrs('10.244.0.0/16', [
      { name: 'c', podCidr: '' },
      { name: 'a', podCidr: '10.244.0.0/24' },
      { name: 'b', podCidr: '' },
      { name: 'd', podCidr: '10.244.2.0/24' },
    ]);
    expect(got).toEqual(
      new Map([
        ['b', '10.244.1.0/24'],
        ['c', '10.244.3.0/24'],
      ]),
    );
  });

  it('never hands out the same CIDR twice and fails when exhausted', () => {
    const nodes = Array.from({ length: 4 }, (_, i) => ({ name: `n${i}`, podCidr: '' }));
    const got = allocateCidrs('10.0.0.0/22', nodes);
    expect(new Set(got.values()).size).toBe(4);
    expect(() => allocateCidrs('10.0.0.0/22', [...nodes.map((n) => ({ ...n, podCidr: got.get(n.name) ?? '' })), { name: 'x', podCidr: '' }])).toThrow(CidrExhaustedError);
  });

  it('normalizes a cluster CIDR given with host bits', () => {
    expect(allocateCidrs('10.1.2.3/16', [{ name: 'a', podCidr: '' }]).get('a')).toBe('10.1.0.0/24');
  });
});

describe('nodesWithPods', () => {
  const pod = (nodeName: string, deletionTimestamp = '') => ({ metadata: { deletionTimestamp }, spec: { nodeName } });
  it.each([
    ['no pods', [], []],
    ['unbound pods hold no node', [pod('')], []],
    ['a pod being deleted does not count', [pod('a', '2024-01-01T00:00:00Z')], []],
    ['one live pod is enough', [pod('a', '2024-01-01T00:00:00Z'), pod('a'), pod('b'), pod('b')], ['a', 'b']],
  ])('%s', (_what, pods, want) => expect([...nodesWithPods(pods)].sort()).toEqual(want));
});
