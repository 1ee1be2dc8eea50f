export { detectCgroupVersion, type CgroupVersion } from './cgroup-version';
export { ConmonRuntime, type ConmonRuntimeOptions } from './conmon-runtime';
export { followLog, parseLog, previousLogPath, readLog, rotateOnRestart, type LogFollower, type LogRecord } from './container-log';
export type { ImageConfig } from './container-process';
export {
  ContainerNotFoundError,
  RuntimeError,
  type ContainerRuntime,
  type ContainerState,
  type ContainerStatus,
  type CreateOptions,
  type ExecHandle,
  type ExecOptions,
} from './container-runtime';
export { hostNofileHardLimit } from './host-limits';
export { UnknownUserError } from './image-user';
export { buildOciSpec, DEFAULT_CAPABILITIES, type SpecInput, type VolumeBind } from './oci-spec';
export type { OciSpec } from './oci-types';
export { chooseRuntime, detectRuntime, NoRuntimeError, type RuntimeChoice, type RuntimeName } from './runtime-select';
export { writeBundleConfig } from './bundle';
