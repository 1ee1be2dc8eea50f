import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TypedWatchEvent, WatchStream } from '../../lib/api/client';
import { freePort, startProcess, waitUntil, type ManagedProcess } from '../../lib/servers/process';
import { AlreadyExistsError } from '../../lib/errors';
import { client, pod, startTestEnv, type TestEnv } from './test-env';

jest.setTimeout(240_000);

let env: TestEnv;
let proc: ManagedProcess | undefined;
beforeAll(async () => {
  env = await startTestEnv('kill9');
});
afterAll(async () => {
  await proc?.stop();
  await env?.stop();
});

const berth = path.resolve(__dirname, '../../dist/cmd/berth.js');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function spawnApiserver(port: number): Promise<void> {
  // Logs at info (child processes of jest are silent by default) so a failure can be read.
  proc = startProcess('node', [berth, 'apiserver', '--etcd', env.etcd.endpoint, '--nats', env.nats.url, '--listen', `127.0.0.1:${port}`], {
    logFile: path.join(env.dir, 'apiserver.log'),
    env: { ...process.env, BERTH_LOG_LEVEL: process.env.BERTH_LOG_LEVEL ?? 'info' },
  });
  const api = client(`127.0.0.1:${port}`);
  await waitUntil(async () => (await api.version(), true), 60_000, 'apiserver process');
  api.close();
}

test('kill -9 during a stream of writes: every acknowledged write is stored and watchers resume with no gap', async () => {
  const port = await freePort();
  await spawnApiserver(port);
  const api = client(`127.0.0.1:${port}`);
  // A namespace of its own per attempt, so a retried attempt does not count the last one's pods.
  const namespace = `k9-${Date.now().toString(36)}`;
  const startRv = (await api.listPage('pods', { namespace, limit: 1 })).resourceVersion;

  // More writers than the 4 batches group commit keeps in flight, so several pods share one
  // etcd revision and a resumed watch must continue inside a revision ("R.i").
  const acked = new Set<string>();
  let stopWriting = false;
  const writer = async (w: number): Promise<void> => {
    for (let i = 0; !stopWriting; i++) {
      const name = `k-${w}-${i}`;
      for (;;) {
        try {
          await api.create('pods', pod(name, { namespace }));
          acked.add(name);
          break;
        } catch (err) {
          if (err instanceof AlreadyExistsError) {
            acked.add(name); // stored by the attempt whose answer was lost
            break;
          }
          if (stopWriting) return; // maybe stored: the final List decides
          await sleep(100);
        }
      }
    }
  };
  const writers = Promise.all(Array.from({ length: 12 }, (_, w) => writer(w)));

  const events: TypedWatchEvent<'pods'>[] = [];
  let lastRv = startRv;
  let stream: WatchStream<'pods'> | undefined;
  let watching = true;
  const resumes: string[] = [];
  const watcher = (async () => {
    while (watching) {
      resumes.push(lastRv);
      try {
        stream = api.watch('pods', { namespace, resourceVersion: lastRv });
        if (!watching) stream.close();
        for await (const ev of stream) {
          events.push(ev);
          lastRv = ev.resourceVersion;
        }
      } catch {
        // the apiserver died: resume below from the last position seen
      }
      await sleep(100);
    }
  })();

  try {
    await waitUntil(() => acked.size >= 100, 60_000, 'writes before the kill');
    await proc!.kill9();
    await sleep(500);
    await spawnApiserver(port);
    const afterRestart = acked.size;
    await waitUntil(() => acked.size >= afterRestart + 100, 60_000, 'writes after the restart');
  } finally {
    stopWriting = true;
    await writers;
  }

  const stored = (await api.list('pods', { namespace })).items.map((p) => p.metadata!.name!);
  for (const name of acked) expect(stored).toContain(name);
  const addedNames = (): string[] => events.filter((e) => e.type === 'ADDED').map((e) => e.object!.metadata!.name!);
  try {
    await waitUntil(() => addedNames().length >= stored.length, 60_000, 'the watcher to see every stored pod');
  } catch {
    const seen = new Set(addedNames());
    const missing = stored.filter((n) => !seen.has(n));
    const rvs = await Promise.all(missing.slice(0, 5).map(async (n) => (await api.get('pods', namespace, n)).metadata!.resourceVersion));
    const warnings = fs.readFileSync(path.join(env.dir, 'apiserver.log'), 'utf8').split('\n').filter((l) => /"level":[45]/.test(l)).slice(0, 20);
    throw new Error(`watch missed ${missing.length} of ${stored.length} pods, e.g. ${missing.slice(0, 5).join(',')} at rv ${rvs.join(',')}; resumed from ${resumes.join(' ')}; apiserver warnings:\n${warnings.join('\n')}`);
  } finally {
    watching = false;
    stream?.close();
    await watcher;
  }

  const added = addedNames();
  expect(new Set(added).size).toBe(added.length); // nothing repeated
  expect([...added].sort()).toEqual([...stored].sort()); // nothing lost
  const revs = events.map((e) => Number(e.object!.metadata!.resourceVersion));
  expect([...revs].sort((a, b) => a - b)).toEqual(revs);
  const batched = revs.length - new Set(revs).size;
  expect(batched).toBeGreaterThan(0); // group commit really shared revisions, so "R.i" was exercised
  expect(resumes.length).toBeGreaterThan(1); // the watcher really resumed across the kill
  api.close();
});
