import { SchedulerCache } from '../cache';
import { newNodeInfo, accountPod } from '../node-info';
import { podFacts } from '../pod-facts';
import { addBound, makeNode, makePod } from '../test-fixtures';
import { balancedAllocation } from './balanced-allocation';
import { HOST_PORT_CONFLICT, hostPorts } from './host-ports';
import { imageLocality } from './image-locality';
import { NODE_NOT_READY, nodeReady } from './node-ready';
import { NODE_SELECTOR_MISMATCH, nodeSelector } from './node-selector';
import { NODE_UNSCHEDULABLE, nodeUnschedulable } from './node-unschedulable';
import { INSUFFICIENT_CPU, INSUFFICIENT_MEMORY, TOO_MANY_PODS, resourcesFit } from './resources-fit';
import { spread } from './spread';
import type { FilterPlugin, ScoreContext } from './types';

type NodeOpts = Parameters<typeof makeNode>[1];
type PodOpts = Parameters<typeof makePod>[1];

function nodeWith(opts: NodeOpts, existing: PodOpts[] = []) {
  const info = newNodeInfo(makeNode('n', opts));
  existing.forEach((p, i) => accountPod(info, podFacts(`default/e${i}`, makePod(`e${i}`, p)), 1));
  return info;
}

describe('filters', () => {
  const cases: [string, FilterPlugin, NodeOpts, PodOpts[], PodOpts, string[]][] = [
    ['ready node fits', nodeReady, {}, [], {}, []],
    ['not-ready node rejects', nodeReady, { ready: false }, [], {}, [NODE_NOT_READY]],
    ['cordoned node rejects', nodeUnschedulable, { unschedulable: true }, [], {}, [NODE_UNSCHEDULABLE]],
    ['schedulable node fits', nodeUnschedulable, {}, [], {}, []],
    ['cpu fits exactly', resourcesFit, { cpu: '1' }, [{ cpu: '500m' }], { cpu: '500m' }, []],
    ['cpu over by 1m', resourcesFit, { cpu: '1' }, [{ cpu: '500m' }], { cpu: '501m' }, [INSUFFICIENT_CPU]],
    ['memory short', resourcesFit, { memory: '1Gi' }, [{ memory: '768Mi' }], { memory: '512Mi' }, [INSUFFICIENT_MEMORY]],
    ['both short: both reasons', resourcesFit, { cpu: '1', memory: '1Gi' }, [], { cpu: '2', memory: '2Gi' }, [INSUFFICIENT_CPU, INSUFFICIENT_MEMORY]],
    ['pod count full', resourcesFit, { pods: '1' }, [{}], {}, [TOO_MANY_PODS]],
    ['no requests always fit', resourcesFit, { cpu: '0', memory: '0' }, [], {}, []],
    ['selector matches', nodeSelector, { labels: { disk: 'ssd', zone: 'a' } }, [], { nodeSelector: { disk: 'ssd' } }, []],
    ['selector mismatch', nodeSelector, { labels: { disk: 'hdd' } }, [], { nodeSelector: { disk: 'ssd' } }, [NODE_SELECTOR_MISMATCH]],
    ['selector key missing', nodeSelector, {}, [], { nodeSelector: { disk: 'ssd' } }, [NODE_SELECTOR_MISMATCH]],
    ['host port free', hostPorts, {}, [{ hostPort: 8080 }], { hostPort: 9090 }, []],
    ['host port taken', hostPorts, {}, [{ hostPort: 8080 }], { hostPort: 8080 }, [HOST_PORT_CONFLICT]],
  ];
  it.each(cases)('%s', (_name, plugin, nodeOpts, existing, podOpts, want) => {
    expect([...plugin.fits(podFacts('default/p', makePod('p', podOpts)), nodeWith(nodeOpts, existing))]).toEqual(want);
  });
});

describe('scores', () => {
  const ctx = (feasible: ReturnType<typeof nodeWith>[], layers: Record<string, { digest: string; size: number }[]> = {}): ScoreContext => ({ feasible, imageLayers: (k) => layers[k], ownerCounts: () => undefined });

  /** A cache holding nodes "full" and "n" with the given owners' pods bound; the context spread sees. */
  function spreadCase(onFull: string[], onNode: string[]) {
    const cache = new SchedulerCache();
    cache.upsertNode(makeNode('full'));
    cache.upsertNode(makeNode('n'));
    [...onFull.map((o) => ['full', o]), ...onNode.map((o) => ['n', o])].forEach(([node, owner], i) => addBound(cache, makePod(`e${i}`, { owner, nodeName: node })));
    const [full, node] = [cache.getNode('full')!, cache.getNode('n')!];
    return { node, ctx: { feasible: [full, node], imageLayers: () => undefined, ownerCounts: (uid: string) => cache.ownerCounts(uid) } };
  }

  it.each([
    ['node without replicas scores 100', 0, 100],
    ['node with half the max', 1, 50],
    ['node with the max scores 0', 2, 0],
  ])('spread: %s', (_n, onNode, want) => {
    const { node, ctx: c } = spreadCase(['rs1', 'rs1'], Array.from({ length: onNode }, () => 'rs1'));
    const pod = podFacts('default/p', makePod('p', { owner: 'rs1' }));
    expect(spread.score(pod, node, spread.prepare!(pod, c))).toBeCloseTo(want);
  });

  it('spread ignores pods of other owners and ownerless pods', () => {
    const { node, ctx: c } = spreadCase([], ['other']);
    for (const owner of ['rs1', undefined]) {
      const pod = podFacts('default/p', makePod('p', { owner }));
      expect(spread.score(pod, node, spread.prepare!(pod, c))).toBe(100);
    }
  });

  it('spread counts follow pods removed and nodes removed and re-added', () => {
    const cache = new SchedulerCache();
    cache.upsertNode(makeNode('a'));
    cache.upsertNode(makeNode('b'));
    addBound(cache, makePod('x', { owner: 'rs1', nodeName: 'a' }));
    addBound(cache, makePod('y', { owner: 'rs1', nodeName: 'a' }));
    const slotA = cache.getNode('a')!.slot;
    expect(cache.ownerCounts('rs1')?.[slotA]).toBe(2);
    cache.removePod('default/x');
    expect(cache.ownerCounts('rs1')?.[slotA]).toBe(1);
    cache.removeNode('a');
    expect(cache.ownerCounts('rs1')).toBeUndefined();
    cache.upsertNode(makeNode('c'));
    expect(cache.getNode('c')!.slot).toBe(slotA);
    cache.upsertNode(makeNode('a'));
    expect(cache.ownerCounts('rs1')?.[cache.getNode('a')!.slot]).toBe(1);
    expect(cache.ownerCounts('rs1')?.[slotA]).toBe(0);
  });

  it.each([
    ['equal fractions', { cpu: '2', memory: '2Gi' }, { cpu: '1', memory: '1Gi' }, 100],
    ['cpu full, memory empty', { cpu: '1', memory: '100Gi' }, { cpu: '1', memory: '1' }, 0],
    ['quarter apart', { cpu: '4', memory: '4Gi' }, { cpu: '3', memory: '2Gi' }, 75],
  ])('balanced allocation: %s', (_n, nodeOpts, podOpts, want) => {
    expect(balancedAllocation.score(podFacts('default/p', makePod('p', podOpts)), nodeWith(nodeOpts), undefined)).toBeCloseTo(want, 0);
  });

  it.each([
    ['all layers held', ['a', 'b'], 100],
    ['shared base layer held (another image)', ['a'], 25],
    ['nothing held', [], 0],
  ])('image locality: %s', (_n, held, want) => {
    const layers = [
      { digest: 'a', size: 100 },
      { digest: 'b', size: 300 },
    ];
    const node = nodeWith({ images: [{ names: ['other:1'], digest: 'sha256:x', sizeBytes: 0, layers: layers.filter((l) => held.includes(l.digest)) }] });
    const pod = podFacts('default/p', makePod('p', { image: 'app:1.0' }));
    const state = imageLocality.prepare!(pod, ctx([node], { 'docker.io/library/app:1.0': layers }));
    expect(imageLocality.score(pod, node, state)).toBeCloseTo(want);
  });
});
