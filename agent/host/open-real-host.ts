import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RegistryConfig } from '../../lib/image/registry-config';
import type { Logger } from '../../lib/log';
import { openImageService } from '../image/image-service';
import { PodNetwork } from '../network/pod-network';
import { detectCgroupVersion } from '../runtime/cgroup-version';
import { ConmonRuntime } from '../runtime/conmon-runtime';
import { hostNofileHardLimit } from '../runtime/host-limits';
import { detectRuntime, type RuntimeChoice, type RuntimeName } from '../runtime/runtime-select';
import { RealPodHost } from './real-pod-host';

export interface OpenRealHostOptions {
  /** The agent's --root: content/, snapshots/, images/, runtime/, network/, pods/. */
  root: string;
  runtime: RuntimeName;
  podCidr: () => string | undefined;
  registryConfig?: RegistryConfig;
  bridgeName?: string;
  nodeNetnsPath?: string;
  cgroupParent?: string;
  /** Pod sandboxes kept ready ahead of pods at least (`berth agent --sandbox-pool`). */
  sandboxPool?: number;
  /** The node's max pods, which bounds the pool. */
  maxPods?: number;
  log: Logger;
}

export interface RealHost {
  host: RealPodHost;
  runtime: ConmonRuntime;
  choice: RuntimeChoice;
}

/**
 * Builds a node's real pod host over one root directory: detects the OCI runtime (crun
 * preferred, runc as fallback; the reason is logged), opens the image service and the CNI
 * pod network. Nothing starts running until host.start().
 */
export function openRealHost(o: OpenRealHostOptions): RealHost {
  const choice = detectRuntime(o.runtime);
  o.log.info({ runtime: choice.name, binary: choice.binary, reason: choice.reason }, 'OCI runtime chosen');
  const stateDir = path.join(o.root, 'runtime');
  // Rootfs overlays and emptyDir mounts are made under the root while the runtime may work in
  // a mount namespace of its own.
  const runtime = new ConmonRuntime({ choice, stateDir, sharedMountDirs: [path.resolve(o.root)], logSizeMax: 10 * 1024 * 1024, logger: o.log });
  const host = new RealPodHost({
    root: o.root,
    runtime,
    // ConmonRuntime's --exit-dir (conmon names each file by container id).
    exitDir: path.join(stateDir, 'exits'),
    network: new PodNetwork({ stateDir: path.join(o.root, 'network'), logger: o.log }),
    images: openImageService(o.root, { registryConfig: o.registryConfig, logger: o.log }),
    podCidr: o.podCidr,
    bridgeName: o.bridgeName ?? 'berth0',
    nodeNetnsPath: o.nodeNetnsPath,
    cgroupParent: o.cgroupParent ?? 'berth',
    cgroupVersion: detectCgroupVersion(fs.readFileSync('/proc/self/mounts', 'utf8')),
    maxNofile: hostNofileHardLimit(),
    sandboxPool: o.sandboxPool,
    maxPods: o.maxPods,
    log: o.log.child({ component: 'pod-host' }),
  });
  return { host, runtime, choice };
}
