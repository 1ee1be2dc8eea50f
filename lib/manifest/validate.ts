import type { FieldError } from '../errors';
import type { AnyObject, KindName } from '../api/kinds';

/**
 * Semantic validation of a typed object, run by the apiserver on every write and by the
 * CLI before sending. Returns every problem, each naming its field path. (Placeholder: the
 * manifests work fills this in.)
 */
export function validateObject(_kind: KindName, _obj: AnyObject): FieldError[] {
  return [];
}
