import { NO_REASONS, type FilterPlugin } from './types';

export const NODE_SELECTOR_MISMATCH = "node(s) didn't match Pod's node affinity/selector";

export const nodeSelector: FilterPlugin = {
  name: 'NodeSelector',
  fits(pod, node) {
    for (const [k, v] of Object.entries(pod.nodeSelector)) if (node.labels[k] !== v) return [NODE_SELECTOR_MISMATCH];
    return NO_REASONS;
  },
};
