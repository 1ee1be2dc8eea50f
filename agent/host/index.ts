export { openRealHost, type OpenRealHostOptions, type RealHost } from './open-real-host';
export { RealPodHost, START_ERROR_EXIT_CODE, type RealPodHostOptions } from './real-pod-host';
export { VolumeError } from './volume-plan';
