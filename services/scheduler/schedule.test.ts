import { SchedulerCache } from './cache';
import { podFacts } from './pod-facts';
import { numFeasibleNodesToFind, schedule, unschedulableMessage } from './schedule';
import { addBound, makeNode, makePod } from './test-fixtures';

describe('schedule', () => {
  it('explains why no node fits, most common reason first', () => {
    const cache = new SchedulerCache();
    cache.upsertNode(makeNode('a', { memory: '1Gi' }));
    cache.upsertNode(makeNode('b', { memory: '1Gi' }));
    cache.upsertNode(makeNode('c', { ready: false }));
    const r = schedule(podFacts('default/p', makePod('p', { memory: '2Gi' })), cache);
    expect(r).toEqual({ unschedulable: true, reasons: new Map([['node(s) were not ready', 1], ['Insufficient memory', 2]]), message: '0/3 nodes are available: 2 Insufficient memory, 1 node(s) were not ready.' });
  });

  it('with no nodes says so', () => {
    expect(unschedulableMessage(0, new Map())).toBe('0/0 nodes are available.');
  });

  it('spreads 10 replicas over 3 nodes at most 4 per node, seeing assumed pods', () => {
    const cache = new SchedulerCache();
    for (const n of ['a', 'b', 'c']) cache.upsertNode(makeNode(n));
    const counts = new Map<string, number>();
    for (let i = 0; i < 10; i++) {
      const f = podFacts(`default/p${i}`, makePod(`p${i}`, { owner: 'rs1' }));
      const r = schedule(f, cache);
      if (!('node' in r)) throw new Error('unschedulable');
      cache.assume(f, r.node);
      counts.set(r.node, (counts.get(r.node) ?? 0) + 1);
    }
    expect([...counts.values()].sort()).toEqual([3, 3, 4]);
  });

  it('assumed pods use capacity; forgetting frees it', () => {
    const cache = new SchedulerCache();
    cache.upsertNode(makeNode('a', { cpu: '1' }));
    const p1 = podFacts('default/p1', makePod('p1', { cpu: '800m' }));
    cache.assume(p1, 'a');
    const p2 = podFacts('default/p2', makePod('p2', { cpu: '800m' }));
    expect('unschedulable' in schedule(p2, cache)).toBe(true);
    cache.forget('default/p1');
    expect(schedule(p2, cache)).toEqual({ node: 'a' });
  });

  it('confirming a bound pod keeps it accounted once; removing it frees the node', () => {
    const cache = new SchedulerCache();
    cache.upsertNode(makeNode('a', { cpu: '1' }));
    const pod = makePod('p1', { cpu: '600m', nodeName: 'a' });
    cache.assume(podFacts('default/p1', pod), 'a');
    addBound(cache, pod);
    expect(cache.getNode('a')?.reqMilliCpu).toBe(600);
    cache.forget('default/p1');
    expect(cache.getNode('a')?.reqMilliCpu).toBe(600);
    cache.removePod('default/p1');
    expect(cache.getNode('a')?.reqMilliCpu).toBe(0);
  });

  it.each([
    [3, 3],
    [99, 99],
    [1000, 420],
    [5000, 500],
    [100000, 5000],
  ])('considers %i nodes → %i feasible before scoring', (total, want) => {
    expect(numFeasibleNodesToFind(total)).toBe(want);
  });
});
