import { ApiService, BindManyRequest, Object as ApiObject, ObjectResult, WatchEvent, protoMetadata } from '../../proto/gen/berth/v1/api';
import { Pod } from './types';
import { API_SERVICE, encodeMessage, withSharedWriter } from './proto-writer';

const bigPod = Pod.fromPartial({
  metadata: { name: 'big', namespace: 'default', labels: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`label-${i}`, 'v'.repeat(40)])) },
  spec: { containers: [{ name: 'main', image: 'busybox:1.36', args: ['sh', '-c', 'x'.repeat(3000)] }] },
});
const smallPod = Pod.fromPartial({ metadata: { name: 's', namespace: 'default' } });
const fresh = <T>(codec: { encode(m: T): { finish(): Uint8Array } }, m: T): Buffer => Buffer.from(codec.encode(m).finish());

test('a reused writer encodes exactly what a fresh one does, a small message right after a big one too', () => {
  const events = [
    WatchEvent.fromPartial({ type: 'ADDED', object: { pod: bigPod }, resourceVersion: '7' }),
    WatchEvent.fromPartial({ type: 'MODIFIED', object: { pod: smallPod }, resourceVersion: '8' }),
    WatchEvent.fromPartial({ type: 'BOOKMARK', resourceVersion: '9' }),
  ];
  const encoded = events.map((e) => encodeMessage(WatchEvent, e));
  encoded.forEach((bytes, i) => expect(bytes.equals(fresh(WatchEvent, events[i]))).toBe(true));
  // Each result owns its bytes: later encodes do not change earlier results.
  expect(WatchEvent.decode(encoded[0]).object?.pod?.metadata?.name).toBe('big');
});

test('an encode that throws half-way does not spoil the next one', () => {
  const bad = ObjectResult.fromPartial({ object: { pod: bigPod }, error: 'x', code: 1.5 });
  expect(() => encodeMessage(ObjectResult, bad)).toThrow(/int32/);
  const ok = WatchEvent.fromPartial({ type: 'ADDED', object: { pod: smallPod }, resourceVersion: '1' });
  expect(encodeMessage(WatchEvent, ok).equals(fresh(WatchEvent, ok))).toBe(true);
});

test('the API definition serializes every method with its own request and response codecs', () => {
  const req = BindManyRequest.fromPartial({ binds: [{ namespace: 'a', name: 'b', nodeName: 'n1', uid: 'u' }] });
  expect(API_SERVICE.bindMany.requestSerialize(req).equals(ApiService.bindMany.requestSerialize(req))).toBe(true);
  const obj = ApiObject.fromPartial({ pod: bigPod });
  expect(API_SERVICE.get.responseSerialize(obj).equals(ApiService.get.responseSerialize(obj))).toBe(true);
  // Bind answers a Pod, a message of another generated file.
  expect(API_SERVICE.bind.responseSerialize(bigPod).equals(ApiService.bind.responseSerialize(bigPod))).toBe(true);
  expect(Object.keys(API_SERVICE)).toEqual(Object.keys(ApiService));
  expect(() => withSharedWriter(ApiService, protoMetadata, 'Nope')).toThrow(/service Nope/);
});
