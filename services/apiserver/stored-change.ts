import type { IKeyValue } from 'etcd3/lib/rpc';
import { KINDS, type AnyObject, type KindName } from '../../lib/api/kinds';
import { decodeObject } from './codec';
import type { Change, ChangeType } from './watch-filter';
import { readVarint, varintSize, writeVarint } from './proto-wire';

// A change as the watch cache fans it out. Most watchers (controllers, the scheduler, hollow
// agents) watch a whole kind with no selector: they need neither the decoded object nor the
// previous state, only the WatchEvent bytes. So decoding is lazy, and those bytes are made
// from etcd's stored value directly: it is the Object wrapper without a resourceVersion, so
// the revision is appended to its metadata and three length prefixes are rewritten.

// Field numbers (proto/berth/v1): Object holds the kind's message in one field; every kind
// has `ObjectMeta metadata = 1`; ObjectMeta.resource_version = 7; WatchEvent is type = 1,
// object = 2, resource_version = 3.
const LEN = 2;
const tagOf = (field: number): number => (field << 3) | LEN;
const META_FIELD = 1;
const RV_FIELD = 7;

/** The first length-delimited field `field` in buf[from, to): its payload's bounds and tag start. */
function findLenField(buf: Uint8Array, from: number, to: number, field: number): { tagAt: number; start: number; end: number } | undefined {
  let pos = from;
  while (pos < to) {
    const tagAt = pos;
    const [tag, afterTag] = readVarint(buf, pos);
    const wire = tag & 7;
    pos = afterTag;
    if (wire === 0) pos = readVarint(buf, pos)[1];
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === LEN) {
      const [len, start] = readVarint(buf, pos);
      pos = start + len;
      if (tag >>> 3 === field) return { tagAt, start, end: pos };
    } else throw new Error(`unexpected wire type ${wire}`);
  }
  return undefined;
}

/**
 * WatchEvent bytes for a stored value (an encoded Object wrapper without resourceVersion), its
 * object carrying `objectRv`; undefined when the value lacks the expected shape.
 */
export function watchEventFromStored(type: string, stored: Uint8Array, objectRv: string, eventRv: string): Buffer | undefined {
  let kindTag: number, kindLen: number, kindStart: number;
  let meta: ReturnType<typeof findLenField>;
  try {
    let kindLenAt: number;
    [kindTag, kindLenAt] = readVarint(stored, 0);
    [kindLen, kindStart] = readVarint(stored, kindLenAt);
    if ((kindTag & 7) !== LEN || kindStart + kindLen !== stored.length) return undefined;
    meta = findLenField(stored, kindStart, stored.length, META_FIELD);
  } catch {
    return undefined; // not the shape of a stored object: the caller encodes the decoded object
  }
  if (!meta || meta.end > stored.length) return undefined;
  const kindEnd = stored.length;
  const rv = Buffer.from(objectRv);
  const rvField = 1 + varintSize(rv.length) + rv.length;
  const metaLen = meta.end - meta.start + rvField;
  const innerLen = kindLen - (meta.end - meta.tagAt) + 1 + varintSize(metaLen) + metaLen;
  const objectLen = varintSize(kindTag) + varintSize(innerLen) + innerLen;
  const typeBytes = Buffer.from(type);
  const eventRvBytes = Buffer.from(eventRv);
  const total = 1 + varintSize(typeBytes.length) + typeBytes.length + 1 + varintSize(objectLen) + objectLen + 1 + varintSize(eventRvBytes.length) + eventRvBytes.length;
  // Exact-size, not a slice of the shared 8 KiB slab: these bytes wait in slow watchers'
  // outboxes, and each pinned a whole slab (25 MB of slabs at 30,000 pods in a heap snapshot).
  const out = Buffer.allocUnsafeSlow(total);
  let pos = 0;
  out[pos++] = tagOf(1);
  pos = writeVarint(out, pos, typeBytes.length);
  pos += typeBytes.copy(out, pos);
  out[pos++] = tagOf(2);
  pos = writeVarint(out, pos, objectLen);
  pos = writeVarint(out, pos, kindTag);
  pos = writeVarint(out, pos, innerLen);
  pos += Buffer.from(stored.buffer, stored.byteOffset + kindStart, meta.tagAt - kindStart).copy(out, pos);
  out[pos++] = tagOf(META_FIELD);
  pos = writeVarint(out, pos, metaLen);
  pos += Buffer.from(stored.buffer, stored.byteOffset + meta.start, meta.end - meta.start).copy(out, pos);
  out[pos++] = tagOf(RV_FIELD);
  pos = writeVarint(out, pos, rv.length);
  pos += rv.copy(out, pos);
  pos += Buffer.from(stored.buffer, stored.byteOffset + meta.end, kindEnd - meta.end).copy(out, pos);
  out[pos++] = tagOf(3);
  pos = writeVarint(out, pos, eventRvBytes.length);
  pos += eventRvBytes.copy(out, pos);
  return out;
}

function tombstone(kind: KindName, kv: IKeyValue): AnyObject {
  const parts = kv.key.toString().split('/');
  const name = parts[parts.length - 1];
  const namespace = KINDS[kind].namespaced ? parts[parts.length - 2] : '';
  return { metadata: { name, namespace, resourceVersion: kv.mod_revision } } as unknown as AnyObject;
}

/** An etcd event as a Change: objects decoded on first use, WatchEvent bytes made once. */
export class StoredChange implements Change {
  private decoded?: AnyObject;
  private decodedPrev?: AnyObject;
  private readonly encoded: { type: string; rv: string; bytes: Buffer }[] = [];

  constructor(
    private readonly kind: KindName,
    readonly type: ChangeType,
    readonly revision: number,
    readonly index: number,
    private readonly kv: IKeyValue,
    private readonly prevKv: IKeyValue | undefined,
  ) {}

  /** The object's state after the change; for DELETED, its last stored state. */
  get object(): AnyObject {
    if (!this.decoded) {
      const source = this.type === 'DELETED' ? this.prevKv : this.kv;
      this.decoded = source ? decodeObject(this.kind, source.value, this.kv.mod_revision) : tombstone(this.kind, this.kv);
    }
    return this.decoded;
  }

  get prev(): AnyObject | undefined {
    if (this.type !== 'MODIFIED' || !this.prevKv) return undefined;
    this.decodedPrev ??= decodeObject(this.kind, this.prevKv.value, this.prevKv.mod_revision);
    return this.decodedPrev;
  }

  /** The WatchEvent bytes of this change's object as `type` at watch position `rv`. */
  watchEvent(type: ChangeType, rv: string, encode: () => Buffer): Buffer {
    const hit = this.encoded.find((e) => e.type === type && e.rv === rv);
    if (hit) return hit.bytes;
    const source = this.type === 'DELETED' ? this.prevKv : this.kv;
    const bytes = (source && watchEventFromStored(type, source.value, this.kv.mod_revision, rv)) ?? encode();
    this.encoded.push({ type, rv, bytes });
    return bytes;
  }
}
