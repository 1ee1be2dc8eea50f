import type { ScorePlugin } from './types';

// Kubernetes scores pods without requests as if they asked for this much, so they still spread.
const DEFAULT_MILLI_CPU = 100;
const DEFAULT_MEMORY = 200 * 1024 * 1024;

/** Favors nodes whose CPU and memory fractions stay close after placing the pod. */
export const balancedAllocation: ScorePlugin<undefined> = {
  name: 'NodeResourcesBalancedAllocation',
  score(pod, node) {
    if (node.allocMilliCpu <= 0 || node.allocMemoryBytes <= 0) return 0;
    const cpu = Math.min(1, (node.reqMilliCpu + (pod.milliCpu || DEFAULT_MILLI_CPU)) / node.allocMilliCpu);
    const mem = Math.min(1, (node.reqMemoryBytes + (pod.memoryBytes || DEFAULT_MEMORY)) / node.allocMemoryBytes);
    return (1 - Math.abs(cpu - mem)) * 100;
  },
};
