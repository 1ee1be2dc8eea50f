import { BadRequestError } from '../../../lib/errors';

/** Why IPAM cannot give a node a CIDR. */
export class CidrExhaustedError extends BadRequestError {}

function parseIpv4(s: string): number {
  const parts = s.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new BadRequestError(`not an IPv4 address: ${s}`);
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

const formatIpv4 = (n: number): string => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

export interface CidrRange {
  base: number;
  prefix: number;
}

export function parseCidr(cidr: string): CidrRange {
  const [ip, len] = cidr.split('/');
  const prefix = Number(len);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > 32) throw new BadRequestError(`bad CIDR: ${cidr}`);
  const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
  return { base: (parseIpv4(ip) & mask) >>> 0, prefix };
}

/**
 * Assigns a /`nodePrefix` subnet of the cluster CIDR to each node without one: the lowest subnet
 * no node holds, in name order. Returns only the new assignments; nodes with a CIDR keep it.
 */
export function allocateCidrs(clusterCidr: string, nodes: readonly { name: string; podCidr: string }[], nodePrefix = 24): Map<string, string> {
  const range = parseCidr(clusterCidr);
  if (nodePrefix < range.prefix) throw new BadRequestError(`node prefix /${nodePrefix} is larger than the cluster CIDR ${clusterCidr}`);
  const count = 2 ** (nodePrefix - range.prefix);
  const size = 2 ** (32 - nodePrefix);
  const used = new Set<number>();
  for (const n of nodes) {
    if (!n.podCidr) continue;
    try {
      const c = parseCidr(n.podCidr);
      used.add(Math.floor((c.base - range.base) / size));
    } catch {
      // A node with a malformed CIDR keeps it; it just does not block a subnet.
    }
  }
  const out = new Map<string, string>();
  let next = 0;
  for (const n of [...nodes].filter((x) => !x.podCidr).sort((a, b) => a.name.localeCompare(b.name))) {
    while (next < count && used.has(next)) next++;
    if (next >= count) throw new CidrExhaustedError(`cluster CIDR ${clusterCidr} has no free /${nodePrefix} for node ${n.name}`);
    used.add(next);
    out.set(n.name, `${formatIpv4((range.base + next * size) >>> 0)}/${nodePrefix}`);
  }
  return out;
}
