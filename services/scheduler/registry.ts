import { balancedAllocation } from './plugins/balanced-allocation';
import { hostPorts } from './plugins/host-ports';
import { imageLocality } from './plugins/image-locality';
import { nodeReady } from './plugins/node-ready';
import { nodeSelector } from './plugins/node-selector';
import { nodeUnschedulable } from './plugins/node-unschedulable';
import { resourcesFit } from './plugins/resources-fit';
import { spread } from './plugins/spread';
import type { FilterPlugin, ScorePlugin } from './plugins/types';

export interface Registry {
  /** Run in order; the first that rejects a node decides its reasons. */
  filters: readonly FilterPlugin[];
  scores: readonly { plugin: ScorePlugin; weight: number }[];
}

/** The default profile, wired explicitly (Kubernetes' registry.go). */
export const DEFAULT_REGISTRY: Registry = {
  filters: [nodeReady, nodeUnschedulable, nodeSelector, hostPorts, resourcesFit],
  scores: [
    { plugin: spread as ScorePlugin, weight: 2 },
    { plugin: balancedAllocation as ScorePlugin, weight: 1 },
    { plugin: imageLocality as ScorePlugin, weight: 1 },
  ],
};
