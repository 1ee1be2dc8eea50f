import { WatchEvent } from '../../proto/gen/berth/v1/api';
import { wrap } from '../../lib/api/kinds';
import { Deployment, Node, Pod } from '../../lib/api/types';
import { encodeObject } from './codec';
import { StoredChange, watchEventFromStored } from './stored-change';

const pod = Pod.fromPartial({
  metadata: { name: 'web-1', namespace: 'default', uid: 'u1', labels: { app: 'web' }, annotations: { note: 'x'.repeat(300) }, generation: 1 },
  spec: { nodeName: 'n1', containers: [{ name: 'main', image: 'busybox:1.36', args: ['sleep', '1'] }] },
  status: { phase: 'Running', podIp: '10.0.0.7' },
});
const kv = (value: Buffer, modRevision: string, version = '2') => ({ key: Buffer.from('/registry/pods/default/web-1'), value, mod_revision: modRevision, create_revision: '5', version, lease: '0' });

test.each([
  ['a pod', 'pods' as const, pod],
  ['a deployment', 'deployments' as const, Deployment.fromPartial({ metadata: { name: 'd', namespace: 'ns' }, spec: { replicas: 3 } })],
  ['a node with no status', 'nodes' as const, Node.fromPartial({ metadata: { name: 'n' } })],
  // Lengths that need a longer varint once the revision is added.
  ['a pod whose metadata crosses 128 bytes', 'pods' as const, Pod.fromPartial({ metadata: { name: 'p', namespace: 'default', uid: 'u'.repeat(118) } })],
])('the WatchEvent made from %s\'s stored bytes decodes to the object at its revision', (_, kind, obj) => {
  const stored = encodeObject(kind, obj);
  const bytes = watchEventFromStored('MODIFIED', stored, '12345', '12345.2');
  expect(bytes).toBeDefined();
  const expected = { ...obj, metadata: { ...obj.metadata!, resourceVersion: '12345' } };
  expect(WatchEvent.decode(bytes!)).toEqual(WatchEvent.fromPartial({ type: 'MODIFIED', object: wrap(kind, expected as never), resourceVersion: '12345.2' }));
});

test('bytes that are not a stored object are refused, not misread', () => {
  expect(watchEventFromStored('ADDED', Buffer.from([0x08, 0x01]), '1', '1')).toBeUndefined();
  expect(watchEventFromStored('ADDED', Buffer.from([0x0a, 0x05, 0x0a]), '1', '1')).toBeUndefined();
  expect(watchEventFromStored('ADDED', Buffer.from([0x0a, 0x02, 0x0a, 0x80]), '1', '1')).toBeUndefined();
  expect(watchEventFromStored('ADDED', Buffer.from([0x0a, 0x02, 0x0a, 0x09]), '1', '1')).toBeUndefined();
});

test('a stored change decodes nothing until asked, and shares its bytes between watchers', () => {
  const next = { ...pod, status: { ...pod.status!, phase: 'Succeeded' } };
  const change = new StoredChange('pods', 'MODIFIED', 20, 0, kv(encodeObject('pods', next), '20', '3'), kv(encodeObject('pods', pod), '19'));
  const fallback = jest.fn(() => Buffer.alloc(0));
  const a = change.watchEvent('MODIFIED', '20', fallback);
  expect(change.watchEvent('MODIFIED', '20', fallback)).toBe(a);
  expect(fallback).not.toHaveBeenCalled();
  expect(WatchEvent.decode(a).object?.pod?.status?.phase).toBe('Succeeded');
  // A filtered watcher for which the pod starts matching sees it ADDED: other bytes.
  expect(WatchEvent.decode(change.watchEvent('ADDED', '20', fallback)).type).toBe('ADDED');
  expect((change.prev as Pod).status?.phase).toBe('Running');
  expect(change.prev?.metadata?.resourceVersion).toBe('19');
  expect(change.object.metadata?.resourceVersion).toBe('20');
});

test('a deletion carries the last stored state at the deletion revision', () => {
  const change = new StoredChange('pods', 'DELETED', 30, 1, { ...kv(Buffer.alloc(0), '30', '0') }, kv(encodeObject('pods', pod), '25'));
  const ev = WatchEvent.decode(change.watchEvent('DELETED', '30.1', () => Buffer.alloc(0)));
  expect(ev.object?.pod?.metadata?.resourceVersion).toBe('30');
  expect(ev.object?.pod?.status?.podIp).toBe('10.0.0.7');
  expect(change.object.metadata?.name).toBe('web-1');
  // Without the previous value (not kept by etcd), only the key is known: encoded the slow way.
  const bare = new StoredChange('pods', 'DELETED', 31, 0, kv(Buffer.alloc(0), '31', '0'), undefined);
  expect(bare.object.metadata).toMatchObject({ name: 'web-1', namespace: 'default', resourceVersion: '31' });
  const fallback = jest.fn(() => Buffer.from('x'));
  expect(bare.watchEvent('DELETED', '31', fallback).toString()).toBe('x');
});
