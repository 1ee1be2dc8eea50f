import { BadRequestError } from '../errors';
import type { Descriptor } from './manifest';

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
  'os.version'?: string;
}

// Node's process.arch → GOARCH, which image indexes use.
const GOARCH: Readonly<Record<string, string>> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64', loong64: 'loong64', mips: 'mips', mipsel: 'mipsle' };

/** The platform this process runs on, in OCI terms (linux/amd64, linux/arm64/v8, linux/arm/v7). */
export function hostPlatform(): Platform {
  const architecture = GOARCH[process.arch] ?? process.arch;
  const armVersion = (process.config.variables as Record<string, unknown>).arm_version;
  const variant = architecture === 'arm64' ? 'v8' : architecture === 'arm' && armVersion ? `v${String(armVersion)}` : undefined;
  return { os: process.platform === 'win32' ? 'windows' : process.platform, architecture, variant };
}

/** "linux/arm64/v8" → Platform; "amd64" alone means linux/amd64. */
export function parsePlatform(spec: string): Platform {
  const parts = spec.split('/');
  if (parts.some((p) => p.length === 0) || parts.length > 3) throw new BadRequestError(`invalid platform "${spec}": want os/arch[/variant]`);
  if (parts.length === 1) return { os: 'linux', architecture: parts[0] };
  return { os: parts[0], architecture: parts[1], variant: parts[2] };
}

export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

// arm64 images often omit "v8"; amd64 "v1" is the baseline.
function normVariant(arch: string, variant?: string): string | undefined {
  if (arch === 'arm64' && (variant === undefined || variant === 'v8')) return 'v8';
  if (arch === 'amd64' && (variant === undefined || variant === 'v1')) return undefined;
  return variant;
}

/**
 * Picks the index entry for `want`: same os and architecture; a variant given on both sides
 * must match (after normalization); an exact variant beats an entry that names none. Pure.
 */
export function selectPlatformManifest(manifests: Descriptor[], want: Platform): Descriptor | undefined {
  const wantVariant = normVariant(want.architecture, want.variant);
  let loose: Descriptor | undefined;
  for (const m of manifests) {
    const p = m.platform;
    if (!p || p.os !== want.os || p.architecture !== want.architecture) continue;
    const v = normVariant(p.architecture, p.variant);
    if (v === wantVariant) return m;
    if (v === undefined || wantVariant === undefined) loose ??= m;
  }
  return loose;
}
