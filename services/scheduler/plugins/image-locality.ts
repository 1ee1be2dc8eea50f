import type { ImageLayer } from '../../../lib/api';
import type { ScorePlugin } from './types';

/**
 * Bytes of the pod's image layers the node already holds, as a share of all its layers' bytes.
 * Layers are matched by digest, so a node holding another image with the same base layers
 * scores too (it would download only the new layers).
 */
export const imageLocality: ScorePlugin<readonly ImageLayer[]> = {
  name: 'ImageLocality',
  prepare(pod, ctx) {
    const layers = new Map<string, ImageLayer>();
    for (const keys of pod.images) {
      const found = keys.map((k) => ctx.imageLayers(k)).find((l) => l !== undefined);
      for (const l of found ?? []) layers.set(l.digest, l);
    }
    return [...layers.values()];
  },
  score(_pod, node, layers) {
    let total = 0;
    let held = 0;
    for (const l of layers) {
      total += l.size;
      if (node.layers.has(l.digest)) held += l.size;
    }
    return total > 0 ? (100 * held) / total : 0;
  },
};
