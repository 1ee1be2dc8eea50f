import { Deployment, Event, Node, Pod } from '../../lib/api/types';
import { ConflictError, InvalidError, NotFoundError, TooOldError, BadRequestError } from '../../lib/errors';
import { wrap } from '../../lib/api/kinds';
import { Condition, DeploymentStatus, PodStatus } from '../../lib/api/types';
import { client, deployment, pod, startTestEnv, type TestEnv } from './test-env';
import type { ApiClient } from '../../lib/api/client';

jest.setTimeout(60_000);

const cond = (type: string, status: string) => Condition.fromPartial({ type, status });

let env: TestEnv;
let api: ApiClient;

beforeAll(async () => {
  env = await startTestEnv('crud');
  const s = await env.startApiserver();
  api = client(s.address);
});
afterAll(async () => {
  api?.close();
  await env?.stop();
});

test('create, get, list, update, delete', async () => {
  const created = await api.create('pods', pod('web-1', { labels: { app: 'web' } }));
  expect(created.metadata!.uid).toMatch(/^[0-9a-f-]{36}$/);
  expect(created.metadata!.generation).toBe(1);
  expect(created.metadata!.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  expect(Number(created.metadata!.resourceVersion)).toBeGreaterThan(0);

  const got = await api.get('pods', 'default', 'web-1');
  expect(got).toEqual(created);

  // A label change keeps generation; a spec change bumps it; status is never written by Update.
  const relabeled = await api.update('pods', { ...got, metadata: { ...got.metadata!, labels: { app: 'web', x: 'y' } }, status: PodStatus.fromPartial({ phase: 'Running' }) });
  expect(relabeled.metadata!.generation).toBe(1);
  expect(relabeled.status?.phase ?? '').toBe('');
  const respec = await api.update('pods', { ...relabeled, spec: { ...relabeled.spec!, restartPolicy: 'Never' } });
  expect(respec.metadata!.generation).toBe(2);
  expect(respec.metadata!.uid).toBe(created.metadata!.uid);

  const listed = await api.list('pods', { labelSelector: 'x=y' });
  expect(listed.items.map((p) => p.metadata!.name)).toEqual(['web-1']);
  expect((await api.list('pods', { labelSelector: 'x!=y' })).items).toEqual([]);

  const del = await api.delete('pods', 'default', 'web-1');
  expect(del.removed).toBe(true); // unbound pod: removed at once
  await expect(api.get('pods', 'default', 'web-1')).rejects.toBeInstanceOf(NotFoundError);
});

test('generateName, default namespace, cluster-scoped nodes and unknown input', async () => {
  const p = await api.create('pods', Pod.fromPartial({ metadata: { generateName: 'gen-' }, spec: { containers: [{ name: 'c', image: 'x' }] } }));
  expect(p.metadata!.name).toMatch(/^gen-[a-z0-9]{5}$/);
  expect(p.metadata!.namespace).toBe('default');
  const n = await api.create('nodes', Node.fromPartial({ metadata: { name: 'n1', namespace: 'ignored' } }));
  expect(n.metadata!.namespace).toBe('');
  expect((await api.get('nodes', '', 'n1')).metadata!.name).toBe('n1');
  await expect(api.listPage('pods', { labelSelector: 'a in (b' })).rejects.toThrow(/missing "\)"/);
  await expect(api.listPage('pods', { fieldSelector: 'spec.image=x' })).rejects.toBeInstanceOf(BadRequestError);
  await expect(api.create('pods', pod(''))).rejects.toBeInstanceOf(InvalidError);
});

test('CAS: of two writers holding the same resourceVersion, exactly one wins', async () => {
  const p = await api.create('pods', pod('cas'));
  const a = { ...p, metadata: { ...p.metadata!, labels: { w: 'a' } } };
  const b = { ...p, metadata: { ...p.metadata!, labels: { w: 'b' } } };
  const results = await Promise.allSettled([api.update('pods', a), api.update('pods', b)]);
  const ok = results.filter((r) => r.status === 'fulfilled');
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  expect(ok).toHaveLength(1);
  expect(failed).toHaveLength(1);
  expect(failed[0].reason).toBeInstanceOf(ConflictError);
  expect(failed[0].reason.message).toMatch('the object has been modified; re-read and retry');
  // A stale writer keeps losing.
  await expect(api.update('pods', a)).rejects.toBeInstanceOf(ConflictError);
});

test('UpdateStatus writes status only and merges conditions by type', async () => {
  const p = await api.create('pods', pod('st'));
  const s1 = await api.updateStatus('pods', { ...p, spec: { ...p.spec!, restartPolicy: 'Never' }, status: PodStatus.fromPartial({ phase: 'Pending', conditions: [cond('Ready', 'False')] }) });
  expect(s1.spec!.restartPolicy).toBe(p.spec!.restartPolicy);
  expect(s1.status!.phase).toBe('Pending');
  const s2 = await api.updateStatus('pods', { ...s1, status: { ...s1.status!, phase: 'Running', conditions: [cond('Initialized', 'True')] } });
  expect(s2.status!.conditions.map((c) => `${c.type}=${c.status}`).sort()).toEqual(['Initialized=True', 'Ready=False']);
  expect(s2.metadata!.generation).toBe(1);
});

test('Bind sets the node and PodScheduled, and refuses a second bind', async () => {
  await api.create('pods', pod('b1'));
  const bound = await api.bind('default', 'b1', 'n1');
  expect(bound.spec!.nodeName).toBe('n1');
  expect(bound.status!.conditions.find((c) => c.type === 'PodScheduled')?.status).toBe('True');
  await expect(api.bind('default', 'b1', 'n2')).rejects.toThrow(/already bound to n1/);
  await expect(api.bind('default', 'b1', 'n2')).rejects.toBeInstanceOf(ConflictError);
  await api.create('pods', pod('b2'));
  await api.create('pods', pod('b3'));
  const many = await api.bindMany([
    { namespace: 'default', name: 'b2', nodeName: 'n2' },
    { namespace: 'default', name: 'b1', nodeName: 'n2' },
    { namespace: 'default', name: 'nope', nodeName: 'n2' },
    { namespace: 'default', name: 'b3', nodeName: 'n3' },
  ]);
  expect(many.map((r) => r.code)).toEqual([0, 10, 5, 0]);
  expect((await api.get('pods', 'default', 'b3')).spec!.nodeName).toBe('n3');
});

test('BindMany of more pods than one etcd txn may hold binds them all', async () => {
  const names = Array.from({ length: 300 }, (_, i) => `bulk-${i}`);
  await Promise.all(names.map((n) => api.create('pods', pod(n, { namespace: 'bulk' }))));
  // The chunks go to etcd concurrently; a pod named twice, even in different chunks, is bound once.
  const results = await api.bindMany([...names.map((name, i) => ({ namespace: 'bulk', name, nodeName: `n${i % 7}` })), { namespace: 'bulk', name: 'bulk-0', nodeName: 'n9' }]);
  expect(results.slice(0, 300).filter((r) => r.code !== 0)).toEqual([]);
  expect(results[300].code).toBe(10);
  expect(results[300].error).toMatch(/appears twice/);
  expect((await api.get('pods', 'bulk', 'bulk-0')).spec!.nodeName).toBe('n0');
  const stored = (await api.list('pods', { namespace: 'bulk' })).items;
  expect(stored.filter((p) => p.spec!.nodeName === '')).toEqual([]);
  expect(stored).toHaveLength(300);
});

test('CreateMany, UpdateStatusMany and UpdateMany: one call, a result per object, failures stay their own', async () => {
  await api.create('pods', pod('many-taken', { namespace: 'many' }));
  const created = await api.createMany('pods', [
    pod('many-1', { namespace: 'many' }),
    pod('many-taken', { namespace: 'many' }),
    pod('Bad_Name', { namespace: 'many' }),
    pod('many-2', { namespace: 'many' }),
  ]);
  expect(created.map((r) => (r instanceof Error ? r.constructor.name : r.metadata!.name))).toEqual(['many-1', 'AlreadyExistsError', 'InvalidError', 'many-2']);
  expect((created[2] as InvalidError).fieldErrors[0].field).toBe('metadata.name');
  const stored = (await api.list('pods', { namespace: 'many' })).items.map((p) => p.metadata!.name).sort();
  expect(stored).toEqual(['many-1', 'many-2', 'many-taken']);

  const one = created[0] as Pod;
  const two = created[3] as Pod;
  const stale = { ...two, metadata: { ...two.metadata!, resourceVersion: '1' }, status: PodStatus.fromPartial({ phase: 'Running' }) };
  const written = await api.updateStatusMany('pods', [
    { ...one, status: PodStatus.fromPartial({ phase: 'Running', podIp: '10.0.0.9' }) },
    stale,
    pod('many-gone', { namespace: 'many' }),
  ]);
  expect(written[0]).not.toBeInstanceOf(Error);
  expect((written[0] as Pod).status!.podIp).toBe('10.0.0.9');
  expect(written[1]).toBeInstanceOf(ConflictError);
  expect(written[2]).toBeInstanceOf(NotFoundError);
  expect((await api.get('pods', 'many', 'many-1')).status!.phase).toBe('Running');
  expect((await api.get('pods', 'many', 'many-2')).status?.phase ?? '').toBe('');

  const relabelled = await api.updateMany('pods', [
    { ...two, metadata: { ...two.metadata!, labels: { tier: 'b' } } },
    { ...stale, metadata: { ...stale.metadata!, labels: { tier: 'stale' } } },
    pod('many-gone', { namespace: 'many' }),
  ]);
  expect((relabelled[0] as Pod).metadata!.labels).toEqual({ tier: 'b' });
  expect(relabelled[1]).toBeInstanceOf(ConflictError);
  expect(relabelled[2]).toBeInstanceOf(NotFoundError);
  expect((await api.get('pods', 'many', 'many-2')).metadata!.labels).toEqual({ tier: 'b' });
  await expect(api.createMany('pods', Array.from({ length: 501 }, (_, i) => pod(`over-${i}`, { namespace: 'many' })))).rejects.toThrow(/at most 500 objects per call/);
});

test('concurrent reads share read-only txns: they add no raft entries', async () => {
  await Promise.all(Array.from({ length: 50 }, (_, i) => api.create('pods', pod(`r-${i}`, { namespace: 'reads' }))));
  const raftIndex = async (): Promise<number> => Number((await env.etcdClient.maintenance.status()).raftIndex);
  const before = await raftIndex();
  // Rounds of 50 concurrent reads: each round needs batches beyond the first few single reads.
  for (let round = 0; round < 20; round++) {
    const got = await Promise.all(Array.from({ length: 50 }, (_, i) => api.get('pods', 'reads', `r-${i}`)));
    expect(got.map((p) => p.metadata!.name)).toEqual(Array.from({ length: 50 }, (_, i) => `r-${i}`));
  }
  // A txn of nested txns is a write to etcd (one raft entry per batch, 20 or more here).
  expect((await raftIndex()) - before).toBeLessThan(10);
});

test('graceful delete: a finalizer holds the object; a bound pod waits for its agent', async () => {
  const d = await api.create('deployments', deployment('fin', 1, { finalizers: ['example.com/hold'] }));
  const first = await api.delete('deployments', 'default', 'fin', { propagationPolicy: 'Foreground' });
  expect(first.removed).toBe(false);
  const held = await api.get('deployments', 'default', 'fin');
  expect(held.metadata!.deletionTimestamp).not.toBe('');
  expect(held.metadata!.finalizers).toEqual(['example.com/hold', 'foregroundDeletion']);
  // Emptying the finalizers removes it.
  await api.update('deployments', { ...held, metadata: { ...held.metadata!, finalizers: [] } });
  await expect(api.get('deployments', 'default', d.metadata!.name)).rejects.toBeInstanceOf(NotFoundError);

  await api.create('pods', pod('gp', { nodeName: 'n1' }));
  const marked = await api.delete('pods', 'default', 'gp', { gracePeriodSeconds: 10 });
  expect(marked.removed).toBe(false);
  const p = await api.get('pods', 'default', 'gp');
  expect(p.metadata!.deletionGracePeriodSeconds).toBe(10);
  const confirmed = await api.delete('pods', 'default', 'gp', { gracePeriodSeconds: 0, force: true });
  expect(confirmed.removed).toBe(true);
  await expect(api.get('pods', 'default', 'gp')).rejects.toBeInstanceOf(NotFoundError);
});

test('Apply: creates, configures, leaves unchanged; one invalid object stores nothing', async () => {
  const dep = (name: string, replicas: number) => wrap('deployments', deployment(name, replicas));
  const r1 = await api.apply([dep('ap-a', 1), dep('ap-b', 2)]);
  expect(r1.results.map((r) => r.action)).toEqual(['created', 'created']);
  const a = r1.results[0].object!.deployment!;
  await api.updateStatus('deployments', { ...a, status: DeploymentStatus.fromPartial({ replicas: 1 }) });
  const r2 = await api.apply([dep('ap-a', 3), dep('ap-b', 2)]);
  expect(r2.results.map((r) => r.action)).toEqual(['configured', 'unchanged']);
  const a2 = r2.results[0].object!.deployment!;
  expect(a2.spec!.replicas).toBe(3);
  expect(a2.status!.replicas).toBe(1); // status kept
  expect(a2.metadata!.uid).toBe(a.metadata!.uid);
  expect(a2.metadata!.generation).toBe(2);

  const bad = wrap('deployments', Deployment.fromPartial({ metadata: { name: '' }, spec: {} }));
  await expect(api.apply([dep('ap-c', 1), bad, dep('ap-d', 1)])).rejects.toBeInstanceOf(InvalidError);
  await expect(api.get('deployments', 'default', 'ap-c')).rejects.toBeInstanceOf(NotFoundError);
  await expect(api.get('deployments', 'default', 'ap-d')).rejects.toBeInstanceOf(NotFoundError);
});

test('objects over 1.5 MiB are refused clearly', async () => {
  const names = Array.from({ length: 1700 }, (_, i) => `registry.local/image-${i}:${'x'.repeat(1000)}`);
  const big = Node.fromPartial({ metadata: { name: 'big' }, status: { images: [{ names, digest: 'sha256:00' }] } });
  await expect(api.create('nodes', big)).rejects.toThrow(/limit is 1572864 bytes/);
  await expect(api.get('nodes', '', 'big')).rejects.toBeInstanceOf(NotFoundError);
});

test('events get a lease so they expire', async () => {
  await api.create('events', Event.fromPartial({ metadata: { name: 'ev1' }, involvedObject: { kind: 'Pod', namespace: 'default', name: 'x' }, reason: 'Test', message: 'hi', type: 'Normal' }));
  const kv = await env.etcdClient.get('/registry/events/default/ev1').exec();
  expect(kv.kvs[0].lease).not.toBe('0');
  const info = await env.etcdClient.leaseClient.leaseTimeToLive({ ID: kv.kvs[0].lease });
  expect(Number(info.TTL)).toBeGreaterThan(3500);
});

test('a List continue token on a compacted revision is too old', async () => {
  for (let i = 0; i < 5; i++) await api.create('pods', pod(`cmp-${i}`, { namespace: 'cmp' }));
  const page = await api.listPage('pods', { namespace: 'cmp', limit: 2 });
  expect(page.continue).not.toBe('');
  await api.create('pods', pod('cmp-late', { namespace: 'cmp' }));
  const rev = (await env.etcdClient.get('x').exec()).header.revision;
  await env.etcdClient.kv.compact({ revision: rev, physical: true });
  await expect(api.listPage('pods', { namespace: 'cmp', limit: 2, continue: page.continue })).rejects.toBeInstanceOf(TooOldError);
});
