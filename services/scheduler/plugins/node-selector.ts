import { NO_REASONS, type FilterPlugin } from './types';

export const NODE_SELECTOR_MISMATCH = "node(s) didn't match Pod's node affinity/selector";

export const nodeSelector: FilterPlugin = {
  name: 'NodeSelector',
  fits(pod, node) {
    // for-in, not Object.entries: this runs for every pod on every node it visits.
    for (const k in pod.nodeSelector) if (node.labels[k] !== pod.nodeSelector[k]) return [NODE_SELECTOR_MISMATCH];
    return NO_REASONS;
  },
};
