import type { Node } from '../../lib/api/types';

export interface NodeProgress {
  /** name → podCIDR of nodes registered, Ready and given a podCIDR. */
  ready: Map<string, string>;
  /** "berth-node-2: not registered" etc., for the timeout message. */
  waiting: string[];
}

/** Which of the wanted nodes are usable, and why the others are not yet. */
export function nodeProgress(nodes: Node[], wanted: string[]): NodeProgress {
  const byName = new Map(nodes.map((n) => [n.metadata?.name ?? '', n]));
  const ready = new Map<string, string>();
  const waiting: string[] = [];
  for (const name of wanted) {
    const n = byName.get(name);
    const podCidr = n?.spec?.podCidr ?? '';
    const isReady = n?.status?.conditions.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
    if (n === undefined) waiting.push(`${name}: not registered`);
    else if (podCidr === '') waiting.push(`${name}: no podCIDR yet`);
    else if (!isReady) waiting.push(`${name}: not Ready`);
    else ready.set(name, podCidr);
  }
  return { ready, waiting };
}
