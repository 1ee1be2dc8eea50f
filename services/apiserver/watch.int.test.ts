import type { ApiClient, TypedWatchEvent } from '../../lib/api/client';
import { TooOldError, UnavailableError } from '../../lib/errors';
import { client, pod, startTestEnv, type TestEnv } from './test-env';
import { waitUntil } from '../../lib/servers/process';

jest.setTimeout(120_000);

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv('watch');
});
afterAll(async () => {
  await env?.stop();
});

/** Collects events from a watch until `until` says stop. */
async function collect(api: ApiClient, opts: Parameters<ApiClient['watch']>[1], until: (evs: TypedWatchEvent<'pods'>[]) => boolean): Promise<TypedWatchEvent<'pods'>[]> {
  const w = api.watch('pods', opts);
  const evs: TypedWatchEvent<'pods'>[] = [];
  for await (const ev of w) {
    if (ev.type !== 'BOOKMARK') evs.push(ev);
    if (until(evs)) break;
  }
  w.close();
  return evs;
}

const names = (evs: TypedWatchEvent<'pods'>[]): string[] => evs.map((e) => `${e.type} ${e.object?.metadata?.name}`);

test('5,000 pods list in pages, each page under the gRPC limit, at one snapshot', async () => {
  const s = await env.startApiserver();
  const api = client(s.address);
  const batch = Array.from({ length: 5000 }, (_, i) => pod(`p-${String(i).padStart(4, '0')}`, { namespace: 'bulk', labels: { i: String(i % 2) } }));
  for (let i = 0; i < batch.length; i += 250) await Promise.all(batch.slice(i, i + 250).map((p) => api.create('pods', p)));
  expect(s.store.commitStats.batches).toBeLessThan(s.store.commitStats.ops); // group commit batched
  let cont = '';
  let rv = '';
  const seen: string[] = [];
  let pages = 0;
  do {
    const page = await api.listPage('pods', { namespace: 'bulk', limit: 700, continue: cont });
    if (!rv) {
      rv = page.resourceVersion;
      // A write after the first page must not show up in later pages (same snapshot).
      await api.create('pods', pod('p-9999', { namespace: 'bulk' }));
    }
    expect(page.resourceVersion).toBe(rv);
    seen.push(...page.items.map((p) => p.metadata!.name));
    cont = page.continue;
    pages++;
  } while (cont);
  expect(pages).toBe(Math.ceil(5000 / 700));
  expect(seen).toEqual(batch.map((p) => p.metadata!.name));
  // Unlimited list still pages by size; selectors filter.
  const odd = await api.list('pods', { namespace: 'bulk', labelSelector: 'i=1', pageSize: 0 });
  expect(odd.items).toHaveLength(2500);
  api.close();
});

test('a watch resumed from a resourceVersion sees every event exactly once, also across an apiserver restart', async () => {
  let s = await env.startApiserver();
  let api = client(s.address);
  const list = await api.listPage('pods', { namespace: 'w1' });
  const all: TypedWatchEvent<'pods'>[] = [];
  // Writer: 60 creates, then 30 updates and 30 deletes.
  const writes = (async () => {
    for (let i = 0; i < 60; i++) await api.create('pods', pod(`w-${i}`, { namespace: 'w1' }));
  })();
  const first = await collect(api, { namespace: 'w1', resourceVersion: list.resourceVersion }, (evs) => evs.length >= 25);
  all.push(...first);
  await writes;
  await s.stop();
  s = await env.startApiserver();
  api = client(s.address);
  for (let i = 0; i < 30; i++) {
    const p = await api.get('pods', 'w1', `w-${i}`);
    await api.update('pods', { ...p, metadata: { ...p.metadata!, labels: { touched: 'yes' } } });
  }
  for (let i = 30; i < 60; i++) await api.delete('pods', 'w1', `w-${i}`);
  const rest = await collect(api, { namespace: 'w1', resourceVersion: first[first.length - 1].resourceVersion }, (evs) => all.length + evs.length >= 120);
  all.push(...rest);
  const expected = [
    ...Array.from({ length: 60 }, (_, i) => `ADDED w-${i}`),
    ...Array.from({ length: 30 }, (_, i) => `MODIFIED w-${i}`),
    ...Array.from({ length: 30 }, (_, i) => `DELETED w-${i + 30}`),
  ];
  expect(names(all)).toEqual(expected);
  const revs = all.map((e) => Number(e.object!.metadata!.resourceVersion));
  expect([...revs].sort((a, b) => a - b)).toEqual(revs);
  // DELETED carries the last state.
  expect(all[all.length - 1].object!.spec!.containers[0].image).toBe('busybox:1.36');
  // A watcher from far back (before the cache existed) is served from etcd history.
  const replay = await collect(api, { namespace: 'w1', resourceVersion: list.resourceVersion }, (evs) => evs.length >= 120);
  expect(names(replay)).toEqual(expected);
  api.close();
});

test('without resourceVersion: ADDED for current objects; filtered watches see objects enter and leave', async () => {
  const s = await env.startApiserver();
  const api = client(s.address);
  await api.create('pods', pod('f-1', { namespace: 'w2', labels: { app: 'a' } }));
  await api.create('pods', pod('f-2', { namespace: 'w2', labels: { app: 'b' } }));
  const w = api.watch('pods', { namespace: 'w2', labelSelector: 'app=a' });
  const it = w[Symbol.asyncIterator]();
  expect(names([(await it.next()).value])).toEqual(['ADDED f-1']);
  const f2 = await api.get('pods', 'w2', 'f-2');
  await api.update('pods', { ...f2, metadata: { ...f2.metadata!, labels: { app: 'a' } } });
  expect(names([(await it.next()).value])).toEqual(['ADDED f-2']);
  const f1 = await api.get('pods', 'w2', 'f-1');
  await api.update('pods', { ...f1, metadata: { ...f1.metadata!, labels: { app: 'z' } } });
  const left = (await it.next()).value as TypedWatchEvent<'pods'>;
  expect(names([left])).toEqual(['DELETED f-1']);
  w.close();

  // Node-pinned watches (an agent's; a hollow-node process's set of nodes) see only their nodes' pods, including the bind.
  const from = (await api.listPage('pods', { limit: 1 })).resourceVersion;
  const nodeW = api.watch('pods', { fieldSelector: 'spec.nodeName=n9', resourceVersion: from });
  const setW = api.watch('pods', { fieldSelector: 'spec.nodeName in (n7,n9)', resourceVersion: from });
  const nit = nodeW[Symbol.asyncIterator]();
  const sit = setW[Symbol.asyncIterator]();
  await api.create('pods', pod('f-3', { namespace: 'w2' }));
  await api.bind('w2', 'f-3', 'n8');
  await api.create('pods', pod('f-4', { namespace: 'w2' }));
  await api.bind('w2', 'f-4', 'n9');
  await api.create('pods', pod('f-5', { namespace: 'w2' }));
  await api.bind('w2', 'f-5', 'n7');
  await api.delete('pods', 'w2', 'f-4', { force: true, gracePeriodSeconds: 0 });
  expect(names([(await nit.next()).value])).toEqual(['ADDED f-4']);
  expect(names([(await nit.next()).value])).toEqual(['DELETED f-4']);
  const seen = [];
  for (let i = 0; i < 3; i++) seen.push((await sit.next()).value as TypedWatchEvent<'pods'>);
  expect(names(seen)).toEqual(['ADDED f-4', 'ADDED f-5', 'DELETED f-4']);
  expect((await api.list('pods', { namespace: 'w2', fieldSelector: 'spec.nodeName in (n7,n8)' })).items.map((p) => p.metadata!.name).sort()).toEqual(['f-3', 'f-5']);
  nodeW.close();
  setW.close();
  api.close();
});

test('bookmarks arrive when asked for', async () => {
  const s = await env.startApiserver({ bookmarkIntervalMs: 300 });
  const api = client(s.address);
  const w = api.watch('pods', { namespace: 'none', resourceVersion: (await api.listPage('pods', { limit: 1 })).resourceVersion, allowBookmarks: true });
  const ev = (await w[Symbol.asyncIterator]().next()).value as TypedWatchEvent<'pods'>;
  expect(ev.type).toBe('BOOKMARK');
  expect(Number(ev.resourceVersion)).toBeGreaterThan(0);
  w.close();
  api.close();
});

test('a watch from a compacted resourceVersion is too old', async () => {
  const s = await env.startApiserver();
  const api = client(s.address);
  const p = await api.create('pods', pod('c-1', { namespace: 'w3' }));
  for (let i = 0; i < 3; i++) await api.create('pods', pod(`c-${i + 2}`, { namespace: 'w3' }));
  const rev = (await env.etcdClient.get('x').exec()).header.revision;
  await env.etcdClient.kv.compact({ revision: rev, physical: true });
  // A fresh apiserver: its cache starts after the compaction, so the old revision goes to etcd.
  const s2 = await env.startApiserver();
  const api2 = client(s2.address);
  const w = api2.watch('pods', { namespace: 'w3', resourceVersion: p.metadata!.resourceVersion });
  await expect((async () => {
    for await (const _ of w) void _;
  })()).rejects.toBeInstanceOf(TooOldError);
  await expect((async () => {
    for await (const _ of api2.watch('pods', { namespace: 'w3', resourceVersion: p.metadata!.resourceVersion })) void _;
  })()).rejects.toThrow(/resourceVersion too old: re-list/);
  api.close();
  api2.close();
});

test('a watcher that stops reading is cut off (UNAVAILABLE) and resumes from its last resourceVersion with nothing lost', async () => {
  const s = await env.startApiserver({ maxWatchBacklog: 20, watchStallMs: 300 });
  const api = client(s.address);
  const start = (await api.listPage('pods', { namespace: 'slow', limit: 1 })).resourceVersion;
  const w = api.watch('pods', { namespace: 'slow', resourceVersion: start });
  const it = w[Symbol.asyncIterator]();
  // Read one event, then stop reading while 600 and more changes happen: flow control backs the
  // events up into the server's queue for this watcher, past its limit of 20, for over 300 ms.
  await api.create('pods', pod('s-first', { namespace: 'slow' }));
  const first = await it.next();
  expect(first.value?.object?.metadata?.name).toBe('s-first');
  for (let i = 0; i < 600; i += 100) await Promise.all(Array.from({ length: 100 }, (_, k) => api.create('pods', pod(`s-${i + k}`, { namespace: 'slow' }))));
  // The cut-off is judged when an event comes: keep changes coming, slowly, until the reader
  // has been seen stalled longer than watchStallMs. Ten at a time: the client takes events in
  // batches, so its own buffer of 16 messages holds many before flow control stops the server.
  const cutOffs = async (): Promise<number> => (await s.metrics.watchersCutOff.get()).values[0]?.value ?? 0;
  let extra = 0;
  for (const deadline = Date.now() + 30_000; (await cutOffs()) === 0 && Date.now() < deadline; extra += 10) {
    await new Promise((r) => setTimeout(r, 200));
    await Promise.all(Array.from({ length: 10 }, (_, k) => api.create('pods', pod(`s-extra-${extra + k}`, { namespace: 'slow' }))));
  }
  expect(await cutOffs()).toBe(1);
  const total = 601 + extra;
  const seen = [first.value!.object!.metadata!.name];
  let lastRv = first.value!.resourceVersion;
  let cutOff: unknown;
  try {
    for (let r = await it.next(); !r.done; r = await it.next()) {
      seen.push(r.value.object!.metadata!.name);
      lastRv = r.value.resourceVersion;
    }
  } catch (err) {
    cutOff = err;
  }
  expect(cutOff).toBeInstanceOf(UnavailableError);
  expect(seen.length).toBeLessThan(total);
  // The resumed watch catches up with a burst bigger than the limit: it drains, so it stays.
  const rest = await collect(api, { namespace: 'slow', resourceVersion: lastRv }, (evs) => seen.length + evs.length >= total);
  const all = [...seen, ...rest.map((e) => e.object!.metadata!.name)];
  expect(all.length).toBe(total);
  expect(new Set(all).size).toBe(total);
  api.close();
});

test('a watch older than the watch cache reads etcd history, then joins the cache with no gap or repeat', async () => {
  const s = await env.startApiserver({ watchCacheSize: 10 });
  const api = client(s.address);
  const from = (await api.listPage('pods', { namespace: 'join', limit: 1 })).resourceVersion;
  // 30 changes: the cache's ring of 10 no longer holds the first of them.
  for (let i = 0; i < 30; i++) await api.create('pods', pod(`j-${i}`, { namespace: 'join' }));
  const w = api.watch('pods', { namespace: 'join', resourceVersion: from });
  const seen: string[] = [];
  const reader = (async () => {
    for await (const ev of w) seen.push(ev.object!.metadata!.name);
  })().catch(() => undefined);
  await waitUntil(() => seen.length >= 30, 10_000, 'the history');
  await waitUntil(() => s.store.directWatches === 0, 10_000, 'the watch to join the cache');
  for (let i = 30; i < 60; i++) await api.create('pods', pod(`j-${i}`, { namespace: 'join' }));
  await waitUntil(() => seen.length >= 60, 10_000, 'the live changes');
  w.close();
  await reader;
  expect(seen).toEqual(Array.from({ length: 60 }, (_, i) => `j-${i}`));
  api.close();
});

test('the watch caches start with the apiserver: a client that lists, then watches, is served from memory', async () => {
  const s = await env.startApiserver();
  await s.watchCachesStarted;
  const api = client(s.address);
  const from = (await api.listPage('pods', { namespace: 'early', limit: 1 })).resourceVersion;
  // Writes between the list and the first watch of the kind: a cache started by that watch
  // would begin after them, and the watch would have to read etcd's history.
  for (let i = 0; i < 5; i++) await api.create('pods', pod(`e-${i}`, { namespace: 'early' }));
  const got = await collect(api, { namespace: 'early', resourceVersion: from }, (evs) => evs.length >= 5);
  expect(got.map((e) => e.object!.metadata!.name)).toEqual(['e-0', 'e-1', 'e-2', 'e-3', 'e-4']);
  expect(s.store.historyWatchesStarted).toBe(0);
  api.close();
});
