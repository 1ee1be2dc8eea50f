import * as fs from 'node:fs';
import * as path from 'node:path';
import { BerthError } from '../../lib/errors';
import { isHybridWithControllers } from './cgroup-version';

export type RuntimeName = 'crun' | 'runc';

/** No OCI runtime usable on this host. */
export class NoRuntimeError extends BerthError {}

export interface RuntimeChoice {
  name: RuntimeName;
  binary: string;
  /**
   * crun on a hybrid cgroup host: create/run must happen in a private mount namespace with
   * /sys/fs/cgroup/unified unmounted (the other commands work plain).
   */
  needsPrivateCgroupMount: boolean;
  reason: string;
}

export interface HostFacts {
  binaries: Partial<Record<RuntimeName, string>>;
  hybridWithControllers: boolean;
  /** `unshare` and `nsenter` are there to build and enter the private mount namespace for crun. */
  unshare: boolean;
}

/** Which runtime to run containers with, given the preference and what the host offers (pure). */
export function chooseRuntime(preferred: RuntimeName, facts: HostFacts): RuntimeChoice {
  const other: RuntimeName = preferred === 'crun' ? 'runc' : 'crun';
  const usable = (name: RuntimeName): string | undefined => {
    if (!facts.binaries[name]) return `${name} is not installed`;
    if (name === 'crun' && facts.hybridWithControllers && !facts.unshare) return 'crun refuses hybrid cgroups and unshare is missing';
    return undefined;
  };
  const pick = (name: RuntimeName, why: string): RuntimeChoice => {
    const wrapped = name === 'crun' && facts.hybridWithControllers;
    const how = wrapped ? '; hybrid cgroups: crun creates inside a private mount namespace without /sys/fs/cgroup/unified' : '';
    return { name, binary: facts.binaries[name] as string, needsPrivateCgroupMount: wrapped, reason: why + how };
  };
  const problem = usable(preferred);
  if (problem === undefined) return pick(preferred, `${preferred} preferred`);
  const fallbackProblem = usable(other);
  if (fallbackProblem === undefined) return pick(other, `${problem}: falling back to ${other}`);
  throw new NoRuntimeError(`no OCI runtime: ${problem}; ${fallbackProblem}`);
}

function findBinary(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];
  for (const dir of dirs) {
    if (!dir) continue;
    const p = path.join(dir, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

function readOr(file: string, fallback: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}

/** Probes this host and returns the runtime to use with the reason (log it). */
export function detectRuntime(preferred: RuntimeName): RuntimeChoice {
  const facts: HostFacts = {
    binaries: { crun: findBinary('crun'), runc: findBinary('runc') },
    hybridWithControllers: isHybridWithControllers(readOr('/proc/self/mounts', ''), readOr('/sys/fs/cgroup/unified/cgroup.controllers', '')),
    unshare: findBinary('unshare') !== undefined && findBinary('nsenter') !== undefined,
  };
  return chooseRuntime(preferred, facts);
}
