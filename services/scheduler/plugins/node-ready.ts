import { NO_REASONS, type FilterPlugin } from './types';

export const NODE_NOT_READY = 'node(s) were not ready';

export const nodeReady: FilterPlugin = {
  name: 'NodeReady',
  fits: (_pod, node) => (node.ready ? NO_REASONS : [NODE_NOT_READY]),
};
