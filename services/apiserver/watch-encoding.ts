import type * as grpc from '@grpc/grpc-js';
import { wrap, type AnyObject, type KindName } from '../../lib/api/kinds';
import { WatchEvent, type WatchRequest } from '../../proto/gen/berth/v1/api';
import { encodeMessage } from '../../lib/api/proto-writer';

// One change fans out to every watcher it matches (controllers, scheduler, agents, users):
// encode its WatchEvent once and send the same bytes to all of them. Keyed by the decoded
// object the watch cache shares between watchers; gone with it when the ring evicts it.

interface Encoded {
  type: string;
  resourceVersion: string;
  bytes: Buffer;
}

const cache = new WeakMap<AnyObject, Encoded[]>();

/** The wire bytes of a watch event; shared for events of the same object, type and position. */
export function encodeWatchEvent(kind: KindName, type: string, object: AnyObject | undefined, resourceVersion: string): Buffer {
  if (!object) return encodeMessage(WatchEvent, { type, object: undefined, resourceVersion, events: [] });
  let list = cache.get(object);
  const hit = list?.find((e) => e.type === type && e.resourceVersion === resourceVersion);
  if (hit) return hit.bytes;
  const bytes = encodeMessage(WatchEvent, { type, object: wrap(kind, object), resourceVersion, events: [] });
  if (!list) cache.set(object, (list = []));
  list.push({ type, resourceVersion, bytes });
  return bytes;
}

/**
 * The Watch method's definition with a response serializer that passes pre-encoded bytes
 * through (and still encodes a WatchEvent message given as an object).
 */
export function withPreEncodedWatch<D extends { watch: grpc.MethodDefinition<WatchRequest, WatchEvent> }>(definition: D): D {
  return {
    ...definition,
    watch: {
      ...definition.watch,
      responseSerialize: (value: WatchEvent | Buffer): Buffer => (Buffer.isBuffer(value) ? value : encodeMessage(WatchEvent, value)),
    },
  };
}
