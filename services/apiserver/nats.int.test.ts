import { connect, type NatsConnection } from 'nats';
import type { ChangeNotice } from '../../lib/api/subjects';
import { waitUntil } from '../../lib/servers/process';
import { client, pod, startTestEnv, type TestEnv } from './test-env';

jest.setTimeout(150_000);

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv('nats');
});
afterAll(async () => {
  await env?.stop();
});

function subscribe(nc: NatsConnection, subject: string): ChangeNotice[] {
  const got: ChangeNotice[] = [];
  const sub = nc.subscribe(subject);
  void (async () => {
    for await (const m of sub) got.push(JSON.parse(new TextDecoder().decode(m.data)) as ChangeNotice);
  })();
  return got;
}

async function droppedMetric(metricsAddress: string): Promise<number> {
  const body = await (await fetch(`http://${metricsAddress}/metrics`)).text();
  const m = /^berth_apiserver_nats_notices_dropped_total (\d+)/m.exec(body);
  return m ? Number(m[1]) : NaN;
}

test('a notice follows every commit, on the kind subject and the node subject', async () => {
  const s = await env.startApiserver();
  const api = client(s.address);
  const nc = await connect({ servers: env.nats.url });
  const kindNotices = subscribe(nc, 'berth.v1.pods.n1');
  const nodeNotices = subscribe(nc, 'berth.v1.node.node%2E1.pods');
  await nc.flush();
  await waitUntil(async () => (await api.create('pods', pod('probe', { namespace: 'probe' })).catch(() => undefined), true), 5_000, 'apiserver');
  const a = await api.create('pods', pod('a', { namespace: 'n1' }));
  const b = await api.bind('n1', 'a', 'node.1');
  await api.delete('pods', 'n1', 'a', { gracePeriodSeconds: 0, force: true });
  await waitUntil(() => kindNotices.length >= 3 && nodeNotices.length >= 2, 10_000, 'notices');
  expect(kindNotices.map((n) => [n.type, n.name, n.resourceVersion])).toEqual([
    ['ADDED', 'a', a.metadata!.resourceVersion],
    ['MODIFIED', 'a', b.metadata!.resourceVersion],
    ['DELETED', 'a', expect.any(String)],
  ]);
  expect(nodeNotices.map((n) => [n.type, n.node])).toEqual([['MODIFIED', 'node.1'], ['DELETED', 'node.1']]);
  await nc.close();
  api.close();
});

test('NATS down for 30 s: writes succeed, drops are counted, notices resume', async () => {
  const s = await env.startApiserver({ metricsListen: '127.0.0.1:0' });
  const api = client(s.address);
  // Writes made before the apiserver's first NATS connect are dropped too: wait until a write
  // no longer raises the counter, and compare against that baseline.
  await waitUntil(async () => {
    const before = await droppedMetric(s.metricsAddress!);
    await api.create('pods', pod(`warm-${Date.now()}`, { namespace: 'out' }));
    return (await droppedMetric(s.metricsAddress!)) === before;
  }, 30_000, 'apiserver connected to NATS');
  const baseline = await droppedMetric(s.metricsAddress!);
  await env.nats.stop();
  const deadline = Date.now() + 30_000;
  let i = 0;
  while (Date.now() < deadline) {
    await api.create('pods', pod(`down-${i++}`, { namespace: 'out' }));
    await new Promise((r) => setTimeout(r, 500));
  }
  expect(i).toBeGreaterThan(20);
  expect(await droppedMetric(s.metricsAddress!)).toBeGreaterThan(baseline);
  await env.nats.restart();
  const nc = await connect({ servers: env.nats.url });
  const got = subscribe(nc, 'berth.v1.pods.out');
  await nc.flush();
  await waitUntil(async () => {
    await api.create('pods', pod(`up-${i++}`, { namespace: 'out' }));
    return got.length > 0;
  }, 30_000, 'notices after NATS returned');
  expect(got[0].kind).toBe('pods');
  await nc.close();
  api.close();
});

test('notices leave in few socket writes (one per loop turn, at most one per 5 ms), in order, none lost', async () => {
  const { NatsNotifier } = await import('./notifier');
  const { Counter, Registry } = await import('prom-client');
  const net = await import('node:net');
  const { createLogger } = await import('../../lib/log');
  const notifier = new NatsNotifier(env.nats.url, new Counter({ name: 'probe_dropped', help: 'x', registers: [new Registry()] }), createLogger({ component: 'probe' }));
  const nc = await connect({ servers: env.nats.url });
  const got = subscribe(nc, 'berth.v1.pods.turn');
  await nc.flush();
  const notice = (i: number): ChangeNotice => ({ kind: 'pods', namespace: 'turn', name: `p${i}`, resourceVersion: String(i), type: 'MODIFIED', node: '' });
  // Connected once a notice gets through.
  await waitUntil(async () => {
    notifier.notify(notice(0));
    await new Promise((r) => setTimeout(r, 20));
    return got.length > 0;
  }, 5_000, 'notifier connected');
  got.length = 0;
  const write = jest.spyOn(net.Socket.prototype, 'write');
  try {
    // Like commits completing in separate I/O callbacks of one loop turn: timers due at once
    // run as separate callbacks, with a microtask checkpoint after each.
    for (let i = 1; i <= 100; i++) setTimeout(() => notifier.notify(notice(i)), 0);
    await waitUntil(() => got.length >= 100, 5_000, 'all notices');
    // One, or a few when the timers straddle a millisecond (or the client sends a PING).
    expect(write.mock.calls.length).toBeLessThanOrEqual(3);
    // A stream of commits over 100 ms, one per millisecond.
    write.mockClear();
    for (let i = 101; i <= 200; i++) setTimeout(() => notifier.notify(notice(i)), i - 100);
    await waitUntil(() => got.length >= 200, 5_000, 'all notices');
    expect(write.mock.calls.length).toBeLessThanOrEqual(30);
  } finally {
    write.mockRestore();
    await notifier.close();
    await nc.close();
  }
  expect(got.map((n) => n.name)).toEqual(Array.from({ length: 200 }, (_, i) => `p${i + 1}`));
});
