import type { ImageLayer } from '../../../lib/api';
import type { NodeInfo } from '../node-info';
import type { PodFacts } from '../pod-facts';

/** A filter: the reasons a node cannot take the pod; empty when it fits. */
export interface FilterPlugin {
  readonly name: string;
  fits(pod: PodFacts, node: NodeInfo): readonly string[];
}

/** What score plugins may read beyond one node: computed once per pod over the feasible nodes. */
export interface ScoreContext {
  feasible: readonly NodeInfo[];
  /** Layers of an image (by image key), as some node reported them. */
  imageLayers(key: string): readonly ImageLayer[] | undefined;
  /** Pods of a controlling owner per node, indexed by NodeInfo.slot (undefined: none). */
  ownerCounts(ownerUid: string): ArrayLike<number> | undefined;
}

/** A score in 0..100 (higher is better); the registry weighs plugins. */
export interface ScorePlugin<S = unknown> {
  readonly name: string;
  prepare?(pod: PodFacts, ctx: ScoreContext): S;
  score(pod: PodFacts, node: NodeInfo, state: S): number;
}

export const NO_REASONS: readonly string[] = [];
