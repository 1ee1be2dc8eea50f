import { BadRequestError } from '../../lib/errors';

/** An IPv4 network: its first address as an integer and its prefix length. */
export interface Ipv4Cidr {
  base: number;
  prefix: number;
}

export function parseIpv4(ip: string): number {
  const parts = ip.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) {
    throw new BadRequestError(`invalid IPv4 address "${ip}"`);
  }
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

export function formatIpv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

/** Parses "10.77.0.1/24" into the address itself and its network. */
export function parseCidr(cidr: string): { ip: number; net: Ipv4Cidr } {
  const [addr, len, extra] = cidr.split('/');
  const prefix = Number(len);
  if (extra !== undefined || len === undefined || !/^\d{1,2}$/.test(len) || prefix > 32) {
    throw new BadRequestError(`invalid CIDR "${cidr}"`);
  }
  const ip = parseIpv4(addr ?? '');
  const size = 2 ** (32 - prefix);
  return { ip, net: { base: ip - (ip % size), prefix } };
}

export function cidrSize(net: Ipv4Cidr): number {
  return 2 ** (32 - net.prefix);
}
