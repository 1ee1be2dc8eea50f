import * as fs from 'node:fs';
import * as os from 'node:os';
import type { NodeSystemInfo } from '../../lib/api';
import { BERTH_VERSION } from '../../lib/version';

/** Go's GOARCH names, as Kubernetes labels use them. */
export function goArch(nodeArch: string): string {
  return ({ x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' } as Record<string, string>)[nodeArch] ?? nodeArch;
}

export interface HostResources {
  cpus: number;
  memoryBytes: number;
}

export function hostResources(): HostResources {
  return { cpus: os.cpus().length, memoryBytes: os.totalmem() };
}

/** capacity and allocatable; allocatable keeps back 100m cpu and 5% of memory (at least 256Mi) for the system and the agent. */
export function nodeResources(r: HostResources, maxPods: number): { capacity: Record<string, string>; allocatable: Record<string, string> } {
  const cpuMilli = r.cpus * 1000;
  const memReserve = Math.max(256 * 1024 * 1024, Math.floor(r.memoryBytes * 0.05));
  return {
    capacity: { cpu: String(r.cpus), memory: String(r.memoryBytes), pods: String(maxPods) },
    allocatable: { cpu: `${Math.max(0, cpuMilli - 100)}m`, memory: String(Math.max(0, r.memoryBytes - memReserve)), pods: String(maxPods) },
  };
}

export function systemInfo(runtimeVersion: string): NodeSystemInfo {
  let machineId = '';
  let osImage = '';
  try {
    machineId = fs.readFileSync('/etc/machine-id', 'utf8').trim();
  } catch {
    // not every host has one
  }
  try {
    osImage = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(fs.readFileSync('/etc/os-release', 'utf8'))?.[1] ?? '';
  } catch {
    // ditto
  }
  return {
    machineId,
    kernelVersion: os.release(),
    osImage,
    containerRuntimeVersion: runtimeVersion,
    agentVersion: BERTH_VERSION,
    operatingSystem: os.platform(),
    architecture: goArch(os.arch()),
  };
}

/** The first non-internal IPv4 address of the host, else loopback. */
export function defaultNodeIp(): string {
  for (const addrs of Object.values(os.networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}
