import * as fs from 'node:fs';
import YAML from 'yaml';
import { BadRequestError } from '../errors';

/** Settings for one registry host (key "host[:port]" in the config file). */
export interface RegistrySettings {
  /** Plain HTTP (no TLS). Loopback hosts are insecure unless set to false. */
  insecure?: boolean;
  /** Base URLs tried before the registry itself, e.g. "http://10.88.0.1:5000". */
  mirrors?: string[];
  username?: string;
  password?: string;
}

/**
 * Per-registry settings, from a small YAML or JSON file:
 * ```yaml
 * registries:
 *   "localhost:5000": { insecure: true, mirrors: ["http://10.88.0.1:5000"] }
 *   "registry.example.com": { username: bob, password: s3cret }
 * ```
 * The file holds credentials: keep it mode 0600.
 */
export interface RegistryConfig {
  registries: Record<string, RegistrySettings>;
}

export const EMPTY_REGISTRY_CONFIG: RegistryConfig = { registries: {} };

/** One place a registry's content can be fetched from. */
export interface Endpoint {
  /** "http://127.0.0.1:5000" (no trailing slash). */
  baseUrl: string;
  /** The host[:port] key credentials are looked up by. */
  host: string;
  mirror: boolean;
}

export function parseRegistryConfig(text: string, source = 'registry config'): RegistryConfig {
  let doc: unknown;
  try {
    doc = YAML.parse(text);
  } catch (err) {
    throw new BadRequestError(`${source}: not valid YAML/JSON`, { cause: err });
  }
  if (doc === null || doc === undefined) return EMPTY_REGISTRY_CONFIG;
  const regs = (doc as { registries?: unknown }).registries ?? {};
  if (typeof regs !== 'object' || regs === null || Array.isArray(regs)) throw new BadRequestError(`${source}: "registries" must be a map of host → settings`);
  const out: Record<string, RegistrySettings> = {};
  for (const [host, raw] of Object.entries(regs as Record<string, unknown>)) {
    const s = (raw ?? {}) as Record<string, unknown>;
    const bad = (field: string): never => {
      throw new BadRequestError(`${source}: registries["${host}"].${field} is invalid`);
    };
    if (s.insecure !== undefined && typeof s.insecure !== 'boolean') bad('insecure');
    if (s.mirrors !== undefined && (!Array.isArray(s.mirrors) || s.mirrors.some((m) => typeof m !== 'string' || !/^https?:\/\/[^/]+/.test(m)))) bad('mirrors');
    for (const f of ['username', 'password'] as const) if (s[f] !== undefined && typeof s[f] !== 'string') bad(f);
    out[host] = {
      insecure: s.insecure as boolean | undefined,
      mirrors: (s.mirrors as string[] | undefined)?.map((m) => m.replace(/\/+$/, '')),
      username: s.username as string | undefined,
      password: s.password as string | undefined,
    };
  }
  return { registries: out };
}

export function loadRegistryConfig(file: string | undefined): RegistryConfig {
  if (!file) return EMPTY_REGISTRY_CONFIG;
  return parseRegistryConfig(fs.readFileSync(file, 'utf8'), file);
}

/** "localhost:5000" → "localhost"; "[::1]:5000" → "::1". */
export function hostName(hostPort: string): string {
  if (hostPort.startsWith('[')) return hostPort.slice(1, hostPort.indexOf(']'));
  const colon = hostPort.lastIndexOf(':');
  return colon >= 0 ? hostPort.slice(0, colon) : hostPort;
}

export function isLoopbackHost(hostPort: string): boolean {
  const h = hostName(hostPort);
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

// Docker Hub's API lives on another host than its reference domain.
const API_HOST: Readonly<Record<string, string>> = { 'docker.io': 'registry-1.docker.io' };

/** Where to fetch `domain`'s content, in order: its mirrors, then the registry itself. Pure. */
export function endpointsFor(config: RegistryConfig, domain: string): Endpoint[] {
  const s = config.registries[domain] ?? {};
  const insecure = s.insecure ?? isLoopbackHost(domain);
  const host = API_HOST[domain] ?? domain;
  const mirrors = (s.mirrors ?? []).map((baseUrl) => ({ baseUrl, host: new URL(baseUrl).host, mirror: true }));
  return [...mirrors, { baseUrl: `${insecure ? 'http' : 'https'}://${host}`, host: domain, mirror: false }];
}

/** Basic credentials configured for a host, if any. */
export function credentialsFor(config: RegistryConfig, host: string): { username: string; password: string } | undefined {
  const s = config.registries[host];
  return s?.username !== undefined ? { username: s.username, password: s.password ?? '' } : undefined;
}
