// Every CLI change to a stored object is a read-modify-write: read the newest copy, change
// it, Update with its resourceVersion, and start over when someone else wrote in between.
import type { ApiClient } from '../../lib/api/client';
import type { KindName, TypedObjects } from '../../lib/api/kinds';
import { ConflictError } from '../../lib/errors';

const MAX_ATTEMPTS = 8;

export interface UpdateResult<T> {
  object: T;
  /** false when `mutate` found nothing to change (nothing was written). */
  changed: boolean;
}

/**
 * Reads kind/namespace/name, applies `mutate` (which returns the changed copy, or undefined
 * when the object already is as wanted) and updates it, retrying on ConflictError.
 */
export async function updateWithRetry<K extends KindName>(
  client: ApiClient,
  kind: K,
  namespace: string,
  name: string,
  mutate: (current: TypedObjects[K]) => TypedObjects[K] | undefined,
): Promise<UpdateResult<TypedObjects[K]>> {
  for (let attempt = 1; ; attempt++) {
    const current = await client.get(kind, namespace, name);
    const next = mutate(current);
    if (!next) return { object: current, changed: false };
    try {
      return { object: await client.update(kind, next), changed: true };
    } catch (err) {
      if (!(err instanceof ConflictError) || attempt >= MAX_ATTEMPTS) throw err;
    }
  }
}
