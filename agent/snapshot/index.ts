export { chainIds } from './chain-id';
export { MountError, Snapshotter, SnapshotInUseError } from './snapshotter';
