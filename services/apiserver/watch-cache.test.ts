import type { IEvent } from 'etcd3/lib/rpc';
import { compactEvents } from './watch-cache';

// etcd3's type says prev_kv is always there; on the wire it is absent for a create.
const event = (type: IEvent['type'], kv: IEvent['kv'], prev?: IEvent['kv']): IEvent => ({ type, kv, prev_kv: prev }) as IEvent;
const kv = (key: string, value: string, rev: number): IEvent['kv'] => ({ key: Buffer.from(key), value: Buffer.from(value), mod_revision: String(rev), version: '1', create_revision: '1', lease: '0' });

test('compactEvents copies one response into one exact-size allocation, equal bytes, nothing shared with the response', () => {
  // As etcd3 hands them over: views into one large response buffer.
  const response = Buffer.alloc(64 * 1024, 7);
  const events: IEvent[] = [
    event('Put', kv('/registry/pods/a/p1', 'one', 5)),
    event('Put', kv('/registry/pods/a/p2', 'two-two', 6), kv('/registry/pods/a/p2', 'old', 4)),
    event('Delete', kv('/registry/pods/a/p3', '', 7), kv('/registry/pods/a/p3', 'gone', 3)),
  ];
  events[0].kv.value = response.subarray(100, 110);
  const kept = compactEvents(events);
  expect(kept.map((e) => [e.type, e.kv.key.toString(), e.kv.value.toString('hex'), e.kv.mod_revision, e.prev_kv?.value.toString()])).toEqual(
    events.map((e) => [e.type, e.kv.key.toString(), e.kv.value.toString('hex'), e.kv.mod_revision, e.prev_kv?.value.toString()]),
  );
  const arenas = new Set(kept.flatMap((e) => [e.kv.key.buffer, e.kv.value.buffer, e.prev_kv?.value.buffer].filter(Boolean)));
  expect(arenas.size).toBe(1);
  const arena = [...arenas][0] as ArrayBuffer;
  expect(arena).not.toBe(response.buffer);
  const bytes = events.reduce((n, e) => n + e.kv.key.length + e.kv.value.length + (e.prev_kv?.value.length ?? 0), 0);
  expect(arena.byteLength).toBe(bytes);
  // The previous state shares the key bytes of its change.
  expect(kept[1].prev_kv!.key).toBe(kept[1].kv.key);
});
