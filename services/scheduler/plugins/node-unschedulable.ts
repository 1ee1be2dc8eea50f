import { NO_REASONS, type FilterPlugin } from './types';

export const NODE_UNSCHEDULABLE = 'node(s) were unschedulable';

/** Cordoned nodes (spec.unschedulable) take no new pods. */
export const nodeUnschedulable: FilterPlugin = {
  name: 'NodeUnschedulable',
  fits: (_pod, node) => (node.unschedulable ? [NODE_UNSCHEDULABLE] : NO_REASONS),
};
