// What berth knows about Kubernetes' own field names, as data:
// 1. spellings that differ from the proto JSON names (Kubernetes writes "hostIP", proto "hostIp");
// 2. fields Kubernetes has and berth does not implement. Ignoring some would change what runs
//    (an init container that never starts, a secret volume that is never mounted, a
//    securityContext that is never applied): those are errors. Others are harmless to drop:
//    warnings. Everything in neither the proto schema nor this table is an unknown field.

/** Kubernetes spelling → proto JSON name, per message. */
export const KUBERNETES_NAMES: Record<string, Record<string, string>> = {
  ContainerPort: { hostIP: 'hostIp' },
  PodStatus: { podIP: 'podIp', hostIP: 'hostIp' },
  NodeSpec: { podCIDR: 'podCidr' },
  ContainerStatus: { imageID: 'imageId', containerID: 'containerId' },
  ContainerStateTerminated: { containerID: 'containerId' },
  NodeSystemInfo: { machineID: 'machineId' },
};

export interface UnimplementedField {
  /** error: refusing is safer than running something other than what was written. */
  severity: 'error' | 'warning';
  /** Values for which dropping the field changes nothing (then only a warning). */
  harmless?: (value: unknown) => boolean;
  /** For objects: judge each sub-field by this table instead of the whole. */
  fields?: Record<string, UnimplementedField>;
  reason: string;
}

const err = (reason: string, harmless?: (v: unknown) => boolean): UnimplementedField => ({ severity: 'error', reason, harmless });
const warn = (reason: string): UnimplementedField => ({ severity: 'warning', reason });
const is =
  (...values: unknown[]) =>
  (v: unknown) =>
    values.includes(v);
const isEmpty = (v: unknown) => v === null || (Array.isArray(v) ? v.length === 0 : typeof v === 'object' && Object.keys(v as object).length === 0);

const IGNORED = 'not used by berth';
const NOT_SUPPORTED = 'not supported by berth';

// berth always runs containers with no-new-privileges and Docker's default capabilities, so
// the settings that ask for exactly that are harmless; everything else would not be applied.
const containerSecurityContext: Record<string, UnimplementedField> = {
  allowPrivilegeEscalation: err(`${NOT_SUPPORTED}: berth always sets no-new-privileges`, is(false)),
  privileged: err(`${NOT_SUPPORTED}: berth runs no privileged containers`, is(false)),
  capabilities: err(`${NOT_SUPPORTED}: containers get Docker's default capabilities`, isEmpty),
  runAsUser: err(`${NOT_SUPPORTED}: the image's user is used`),
  runAsGroup: err(`${NOT_SUPPORTED}: the image's group is used`),
  runAsNonRoot: err(`${NOT_SUPPORTED}: berth does not check the image's user`, is(false)),
  readOnlyRootFilesystem: err(`${NOT_SUPPORTED}: the root filesystem is writable`, is(false)),
  seccompProfile: err(`${NOT_SUPPORTED}: no seccomp profile is applied`),
  seLinuxOptions: err(`${NOT_SUPPORTED}: no SELinux labels are applied`),
  appArmorProfile: err(`${NOT_SUPPORTED}: no AppArmor profile is applied`),
  procMount: err(NOT_SUPPORTED, is('Default')),
  windowsOptions: err(NOT_SUPPORTED),
};

const podSecurityContext: Record<string, UnimplementedField> = {
  runAsUser: containerSecurityContext.runAsUser,
  runAsGroup: containerSecurityContext.runAsGroup,
  runAsNonRoot: containerSecurityContext.runAsNonRoot,
  seccompProfile: containerSecurityContext.seccompProfile,
  seLinuxOptions: containerSecurityContext.seLinuxOptions,
  appArmorProfile: containerSecurityContext.appArmorProfile,
  windowsOptions: containerSecurityContext.windowsOptions,
  fsGroup: err(`${NOT_SUPPORTED}: volumes are not chowned`),
  fsGroupChangePolicy: err(NOT_SUPPORTED),
  supplementalGroups: err(NOT_SUPPORTED, isEmpty),
  supplementalGroupsPolicy: err(NOT_SUPPORTED),
  sysctls: err(`${NOT_SUPPORTED}: no sysctls are set`, isEmpty),
  seLinuxChangePolicy: err(NOT_SUPPORTED),
};

const volumeSource = (name: string) => err(`volume type ${name} is ${NOT_SUPPORTED} (only emptyDir and hostPath)`);

/** Known-but-unimplemented Kubernetes fields, per berth message. */
export const UNIMPLEMENTED: Record<string, Record<string, UnimplementedField>> = {
  ObjectMeta: {
    managedFields: warn(IGNORED),
    selfLink: warn(IGNORED),
  },
  PodSpec: {
    initContainers: err(`init containers are ${NOT_SUPPORTED}`, isEmpty),
    ephemeralContainers: err(`ephemeral containers are ${NOT_SUPPORTED}`, isEmpty),
    activeDeadlineSeconds: err(NOT_SUPPORTED),
    dnsPolicy: warn(`${IGNORED}: pods use the node's resolver`),
    dnsConfig: err(`${NOT_SUPPORTED}: pods use the node's resolver`),
    serviceAccountName: err(`service accounts are ${NOT_SUPPORTED}`, is('default')),
    serviceAccount: err(`service accounts are ${NOT_SUPPORTED}`, is('default')),
    automountServiceAccountToken: warn(`${IGNORED}: no token is ever mounted`),
    hostNetwork: err(`host networking is ${NOT_SUPPORTED}`, is(false)),
    hostPID: err(`the host PID namespace is ${NOT_SUPPORTED}`, is(false)),
    hostIPC: err(`the host IPC namespace is ${NOT_SUPPORTED}`, is(false)),
    hostUsers: err(`user namespaces are ${NOT_SUPPORTED}`, is(true)),
    shareProcessNamespace: err(NOT_SUPPORTED, is(false)),
    securityContext: { severity: 'error', reason: NOT_SUPPORTED, fields: podSecurityContext },
    imagePullSecrets: warn(`${IGNORED}: registry credentials come from the node's registry configuration`),
    subdomain: warn(IGNORED),
    affinity: err(`affinity is ${NOT_SUPPORTED}: use nodeSelector`),
    schedulerName: err(`only berth's scheduler exists`, is('default-scheduler')),
    tolerations: err(`tolerations are ${NOT_SUPPORTED}`, isEmpty),
    hostAliases: err(`${NOT_SUPPORTED}: /etc/hosts is not edited`, isEmpty),
    priorityClassName: warn(`${IGNORED}: berth has no preemption`),
    priority: warn(`${IGNORED}: berth has no preemption`),
    preemptionPolicy: warn(`${IGNORED}: berth has no preemption`),
    readinessGates: err(NOT_SUPPORTED, isEmpty),
    runtimeClassName: err(`runtime classes are ${NOT_SUPPORTED}`),
    enableServiceLinks: warn(`${IGNORED}: berth has no services`),
    overhead: warn(IGNORED),
    topologySpreadConstraints: err(`${NOT_SUPPORTED}: the scheduler spreads replicas itself`, isEmpty),
    setHostnameAsFQDN: err(NOT_SUPPORTED, is(false)),
    os: err(`only Linux pods run`, (v) => (v as { name?: unknown } | null)?.name === 'linux'),
    schedulingGates: err(NOT_SUPPORTED, isEmpty),
    resourceClaims: err(NOT_SUPPORTED, isEmpty),
    resources: err(`pod-level resources are ${NOT_SUPPORTED}`),
  },
  Container: {
    envFrom: err(`envFrom is ${NOT_SUPPORTED} (no ConfigMaps or Secrets): set env values`, isEmpty),
    startupProbe: err(`startup probes are ${NOT_SUPPORTED}`),
    lifecycle: err(`lifecycle hooks are ${NOT_SUPPORTED}`),
    securityContext: { severity: 'error', reason: NOT_SUPPORTED, fields: containerSecurityContext },
    terminationMessagePath: warn(IGNORED),
    terminationMessagePolicy: warn(IGNORED),
    stdinOnce: warn(IGNORED),
    volumeDevices: err(`raw block devices are ${NOT_SUPPORTED}`, isEmpty),
    resizePolicy: warn(IGNORED),
    restartPolicy: err(`sidecar containers are ${NOT_SUPPORTED}`),
  },
  EnvVar: {
    valueFrom: err(`valueFrom is ${NOT_SUPPORTED} (no ConfigMaps, Secrets or downward API): set a value`),
  },
  ResourceRequirements: {
    claims: err(NOT_SUPPORTED, isEmpty),
  },
  Probe: {
    grpc: err(`gRPC probes are ${NOT_SUPPORTED}: use httpGet, tcpSocket or exec`),
    terminationGracePeriodSeconds: warn(IGNORED),
  },
  VolumeMount: {
    mountPropagation: err(`mount propagation is ${NOT_SUPPORTED}`, is('None')),
    recursiveReadOnly: err(NOT_SUPPORTED, is('Disabled')),
    subPathExpr: err(NOT_SUPPORTED),
  },
  Volume: Object.fromEntries(
    [
      'configMap',
      'secret',
      'persistentVolumeClaim',
      'projected',
      'downwardAPI',
      'nfs',
      'csi',
      'ephemeral',
      'image',
      'iscsi',
      'cephfs',
      'rbd',
      'glusterfs',
      'fc',
      'flexVolume',
      'awsElasticBlockStore',
      'gcePersistentDisk',
      'azureDisk',
      'azureFile',
      'gitRepo',
      'cinder',
      'vsphereVolume',
      'portworxVolume',
      'storageos',
      'scaleIO',
      'quobyte',
      'flocker',
      'photonPersistentDisk',
    ].map((name) => [name, volumeSource(name)]),
  ),
  NodeSpec: {
    podCIDRs: warn(IGNORED),
    providerID: warn(IGNORED),
    externalID: warn(IGNORED),
    configSource: warn(IGNORED),
  },
  Event: {
    eventTime: warn(IGNORED),
    series: warn(IGNORED),
    action: warn(IGNORED),
    related: warn(IGNORED),
    reportingComponent: warn(IGNORED),
    reportingInstance: warn(IGNORED),
  },
  LeaseSpec: {
    preferredHolder: warn(IGNORED),
    strategy: warn(IGNORED),
  },
};

/**
 * String fields that Kubernetes also accepts as numbers (IntOrString ports and percentages,
 * quantities): `port: 8080`, `maxSurge: 1`, `cpu: 0.5`. Per message; for a map field, its values.
 */
export const NUMBER_AS_STRING: Record<string, string[]> = {
  HttpGetAction: ['port'],
  TcpSocketAction: ['port'],
  RollingUpdateDeployment: ['maxSurge', 'maxUnavailable'],
  EmptyDirVolumeSource: ['sizeLimit'],
  ResourceRequirements: ['limits', 'requests'],
  NodeStatus: ['capacity', 'allocatable'],
};
