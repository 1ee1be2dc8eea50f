import type { AnyObject, KindName } from '../api/kinds';

/** Fills in Kubernetes' defaults in place (strategy 25%/25%, revisionHistoryLimit 10, ...). */
export function applyDefaults(_kind: KindName, _obj: AnyObject): void {
  // filled in by the manifests work
}
