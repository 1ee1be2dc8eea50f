import type { Container, Pod } from '../../lib/api/types';
import type { CgroupVersion } from './cgroup-version';
import { containerEnvVars, mergeEnv, processArgs, type ImageConfig } from './container-process';
import { resolveImageUser } from './image-user';
import type { OciMount, OciResources, OciSpec } from './oci-types';
import { cpuMillis, memoryBytes } from '../../lib/quantity';

/** A volume the agent has already resolved to a host directory (emptyDir, hostPath). */
export interface VolumeBind {
  containerPath: string;
  hostPath: string;
  readOnly: boolean;
}

export interface SpecInput {
  pod: Pod;
  container: Container;
  image: ImageConfig;
  /** The mounted rootfs (overlay of the image's snapshots + this container's RW layer). */
  rootfsPath: string;
  /** The pod's network namespace, e.g. /var/run/netns/berth-1a2b3c4d. */
  netnsPath: string;
  hostname: string;
  volumes: VolumeBind[];
  /** Host files bound over /etc/hosts, /etc/resolv.conf and /etc/hostname (per pod). */
  hostsPath?: string;
  resolvConfPath?: string;
  hostnamePath?: string;
  /** Contents of the image's /etc/passwd and /etc/group, for a named USER. */
  imagePasswd?: string;
  imageGroup?: string;
  cgroupsPath: string;
  cgroupVersion: CgroupVersion;
  /**
   * The creator's hard NOFILE limit: containers get min(this, 1048576). Without
   * CAP_SYS_RESOURCE the runtime cannot raise it further (see host-limits.ts).
   */
  maxNofile?: number;
}

/**
 * Docker's default capability set (moby oci/caps/defaults.go). It includes NET_RAW, which the
 * runc/crun `spec` template leaves out (so ping works here as it does under Docker).
 */
export const DEFAULT_CAPABILITIES = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_FSETID',
  'CAP_FOWNER',
  'CAP_MKNOD',
  'CAP_NET_RAW',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETFCAP',
  'CAP_SETPCAP',
  'CAP_NET_BIND_SERVICE',
  'CAP_SYS_CHROOT',
  'CAP_KILL',
  'CAP_AUDIT_WRITE',
];

/** Docker's and runc's default masked and read-only /proc and /sys paths. */
export const MASKED_PATHS = [
  '/proc/asound',
  '/proc/acpi',
  '/proc/kcore',
  '/proc/keys',
  '/proc/latency_stats',
  '/proc/timer_list',
  '/proc/timer_stats',
  '/proc/sched_debug',
  '/proc/scsi',
  '/sys/firmware',
  '/sys/devices/virtual/powercap',
];
export const READONLY_PATHS = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

const DEFAULT_MOUNTS: OciMount[] = [
  { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
  { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
  { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
  { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
  { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
  { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
  { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', 'ro'] },
];

export const CPU_PERIOD_US = 100_000;
/** Kubernetes' floor for a CFS quota (1 ms), and its CPU shares bounds. */
const MIN_QUOTA_US = 1000;
const MIN_SHARES = 2;
const MAX_SHARES = 262_144;
const NOFILE = 1_048_576;

/**
 * linux.resources from the container's requests and limits as the kubelet computes them:
 * memory limit in bytes; CPU limit → CFS quota over a 100 ms period; CPU request (or the
 * limit when no request is given, as API defaulting does) → shares (1024 per core, at least 2).
 * On v2 swap is set equal to the limit, which runc/crun turn into memory.swap.max = 0; v1
 * leaves swap alone because memsw accounting is often disabled.
 */
export function containerResources(container: Pick<Container, 'resources'>, cgroupVersion: CgroupVersion): OciResources {
  const limits = container.resources?.limits ?? {};
  const requests = container.resources?.requests ?? {};
  const resources: OciResources = { devices: [{ allow: false, access: 'rwm' }] };

  if (limits.memory !== undefined) {
    const limit = memoryBytes(limits.memory);
    resources.memory = cgroupVersion === 'v2' ? { limit, swap: limit } : { limit };
  }
  const cpuRequest = requests.cpu ?? limits.cpu;
  const requestMillis = cpuRequest === undefined ? 0 : cpuMillis(cpuRequest);
  resources.cpu = { shares: Math.min(MAX_SHARES, Math.max(MIN_SHARES, Math.floor((requestMillis * 1024) / 1000))) };
  if (limits.cpu !== undefined) {
    resources.cpu.quota = Math.max(MIN_QUOTA_US, Math.floor((cpuMillis(limits.cpu) * CPU_PERIOD_US) / 1000));
    resources.cpu.period = CPU_PERIOD_US;
  }
  return resources;
}

function bind(destination: string, source: string, readOnly: boolean): OciMount {
  return { destination, type: 'bind', source, options: ['rbind', 'rprivate', ...(readOnly ? ['ro'] : [])] };
}

/**
 * The OCI runtime config of one container of a pod (pure). Throws UnknownUserError when the
 * image's USER names an account its /etc/passwd or /etc/group lacks, and InvalidQuantityError for a
 * malformed resource quantity.
 */
export function buildOciSpec(input: SpecInput): OciSpec {
  const { container, image } = input;
  const user = resolveImageUser(image.User, input.imagePasswd, input.imageGroup);
  const vars = containerEnvVars(container);
  const caps = user.uid === 0 ? DEFAULT_CAPABILITIES : [];
  const nofile = Math.min(NOFILE, input.maxNofile ?? NOFILE);

  const mounts: OciMount[] = [...DEFAULT_MOUNTS];
  const etcFiles: [string, string | undefined][] = [
    ['/etc/hosts', input.hostsPath],
    ['/etc/resolv.conf', input.resolvConfPath],
    ['/etc/hostname', input.hostnamePath],
  ];
  for (const [dest, src] of etcFiles) if (src) mounts.push(bind(dest, src, false));
  for (const v of input.volumes) mounts.push(bind(v.containerPath, v.hostPath, v.readOnly));

  return {
    ociVersion: '1.0.2',
    process: {
      terminal: container.tty,
      user: { uid: user.uid, gid: user.gid, ...(user.additionalGids.length > 0 ? { additionalGids: user.additionalGids } : {}) },
      args: processArgs(container, image, vars),
      env: mergeEnv(image.Env ?? [], vars, { HOSTNAME: input.hostname, HOME: user.home }),
      cwd: container.workingDir || image.WorkingDir || '/',
      // Non-root processes lose effective/permitted caps on exec anyway; only the bound stays
      // (as Docker does since 20.10 for non-root users).
      capabilities: { bounding: DEFAULT_CAPABILITIES, effective: caps, permitted: caps, inheritable: [], ambient: [] },
      rlimits: [{ type: 'RLIMIT_NOFILE', hard: nofile, soft: nofile }],
      noNewPrivileges: true,
    },
    root: { path: input.rootfsPath, readonly: false },
    hostname: input.hostname,
    mounts,
    linux: {
      namespaces: [{ type: 'pid' }, { type: 'mount' }, { type: 'ipc' }, { type: 'uts' }, { type: 'network', path: input.netnsPath }],
      cgroupsPath: input.cgroupsPath,
      resources: containerResources(container, input.cgroupVersion),
      maskedPaths: MASKED_PATHS,
      readonlyPaths: READONLY_PATHS,
    },
  };
}
