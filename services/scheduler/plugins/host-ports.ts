import { NO_REASONS, type FilterPlugin } from './types';

export const HOST_PORT_CONFLICT = "node(s) didn't have free ports for the requested pod ports";

/** A hostPort (per protocol) is held by at most one pod per node; host IPs are not distinguished (conservative). */
export const hostPorts: FilterPlugin = {
  name: 'NodePorts',
  fits(pod, node) {
    for (const p of pod.hostPorts) if (node.usedPorts.has(p)) return [HOST_PORT_CONFLICT];
    return NO_REASONS;
  },
};
