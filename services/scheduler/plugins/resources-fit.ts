import { NO_REASONS, type FilterPlugin } from './types';

export const INSUFFICIENT_CPU = 'Insufficient cpu';
export const INSUFFICIENT_MEMORY = 'Insufficient memory';
export const TOO_MANY_PODS = 'Too many pods';

/** Requests of the pod vs allocatable minus the requests of pods already on (or assumed to) the node. */
export const resourcesFit: FilterPlugin = {
  name: 'NodeResourcesFit',
  fits(pod, node) {
    let out: string[] | undefined;
    const add = (r: string): void => void (out ??= []).push(r);
    if (node.podCount + 1 > node.allocPods) add(TOO_MANY_PODS);
    if (pod.milliCpu > 0 && node.reqMilliCpu + pod.milliCpu > node.allocMilliCpu) add(INSUFFICIENT_CPU);
    if (pod.memoryBytes > 0 && node.reqMemoryBytes + pod.memoryBytes > node.allocMemoryBytes) add(INSUFFICIENT_MEMORY);
    return out ?? NO_REASONS;
  },
};
