import * as fs from 'node:fs';
import * as path from 'node:path';
import { BerthError } from '../../lib/errors';

/** Something `dev up` needs is missing from the machine; the message says how to get it. */
export class MissingPrerequisiteError extends BerthError {}

export interface Requirement {
  /** A command looked up on PATH, or an absolute path that must exist. */
  command: string;
  debianPackage: string;
}

export const REQUIREMENTS: Requirement[] = [
  { command: 'etcd', debianPackage: 'etcd-server' },
  { command: 'nats-server', debianPackage: 'nats-server' },
  { command: 'docker-registry', debianPackage: 'docker-registry' },
  { command: 'conmon', debianPackage: 'conmon' },
  { command: 'ip', debianPackage: 'iproute2' },
  { command: 'nsenter', debianPackage: 'util-linux' },
  { command: 'skopeo', debianPackage: 'skopeo' },
  { command: 'busybox', debianPackage: 'busybox-static' },
  { command: '/usr/lib/cni/bridge', debianPackage: 'containernetworking-plugins' },
];

/** The requirements for this runtime that `present` says are missing. */
export function missingRequirements(runtime: 'crun' | 'runc', present: (command: string) => boolean): Requirement[] {
  const all = [...REQUIREMENTS, { command: runtime, debianPackage: runtime }];
  return all.filter((r) => !present(r.command));
}

export function missingMessage(missing: Requirement[]): string {
  const pkgs = [...new Set(missing.map((m) => m.debianPackage))].join(' ');
  return (
    `berth dev up needs ${missing.map((m) => m.command).join(', ')} (Debian: apt-get install ${pkgs}); ` +
    `run 'bash scripts/deps.sh' or 'berth dev up --install-deps'`
  );
}

export function commandPresent(command: string): boolean {
  if (command.startsWith('/')) return fs.existsSync(command);
  return (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin')
    .split(':')
    .some((d) => d !== '' && isExecutable(path.join(d, command)));
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

export function checkRoot(): void {
  if (process.getuid?.() !== 0) {
    throw new MissingPrerequisiteError('berth dev makes network namespaces, a bridge and containers: run it as root (sudo berth dev up)');
  }
}
