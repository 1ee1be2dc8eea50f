import { Pod } from '../../lib/api/types';
import { ApiService, WatchEvent } from '../../proto/gen/berth/v1/api';
import { encodeWatchEvent, withPreEncodedWatch } from './watch-encoding';

const pod = (name: string): Pod => Pod.fromPartial({ metadata: { name, namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });

describe('encodeWatchEvent', () => {
  test('encodes the event so it decodes back to the same type, object and position', () => {
    const p = pod('a');
    const ev = WatchEvent.decode(encodeWatchEvent('pods', 'ADDED', p, '7.2'));
    expect(ev.type).toBe('ADDED');
    expect(ev.resourceVersion).toBe('7.2');
    expect(ev.object?.pod?.metadata?.name).toBe('a');
  });

  test('shares the bytes between watchers of the same change, not between different events', () => {
    const p = pod('a');
    const first = encodeWatchEvent('pods', 'MODIFIED', p, '9.0');
    expect(encodeWatchEvent('pods', 'MODIFIED', p, '9.0')).toBe(first);
    // A filtered watcher may see the same object as ADDED (it starts matching its selector).
    const added = encodeWatchEvent('pods', 'ADDED', p, '9.0');
    expect(added).not.toBe(first);
    expect(WatchEvent.decode(added).type).toBe('ADDED');
    expect(encodeWatchEvent('pods', 'MODIFIED', pod('a'), '9.0')).not.toBe(first); // another object
  });

  test('a bookmark has no object', () => {
    const ev = WatchEvent.decode(encodeWatchEvent('pods', 'BOOKMARK', undefined, '12'));
    expect(ev).toMatchObject({ type: 'BOOKMARK', resourceVersion: '12' });
    expect(ev.object).toBeUndefined();
  });
});

test('the watch serializer passes bytes through and still encodes messages', () => {
  const serialize = withPreEncodedWatch(ApiService).watch.responseSerialize as (v: WatchEvent | Buffer) => Buffer;
  const bytes = Buffer.from([1, 2, 3]);
  expect(serialize(bytes)).toBe(bytes);
  const msg: WatchEvent = { type: 'DELETED', object: undefined, resourceVersion: '3', events: [] };
  expect(WatchEvent.decode(serialize(msg))).toEqual(msg);
  expect(withPreEncodedWatch(ApiService).get).toBe(ApiService.get);
});
