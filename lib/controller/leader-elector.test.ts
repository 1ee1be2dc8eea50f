import { Lease, type ApiClient } from '../api';
import { ConflictError, NotFoundError } from '../errors';
import { createLogger } from '../log';
import { FakeClock } from './clock';
import { LeaderElector } from './leader-elector';

/** An in-memory lease store behind get/create/update, counting calls; `conflictNext` fails one update. */
function leaseApi() {
  let stored: Lease | undefined;
  let rv = 0;
  const calls: string[] = [];
  const api = {
    conflictNext: false,
    calls,
    get holder() {
      return stored?.spec?.holderIdentity;
    },
    client: {
      get: () => {
        calls.push('get');
        return stored ? Promise.resolve(stored) : Promise.reject(new NotFoundError('no lease'));
      },
      create: (_k: string, l: Lease) => {
        calls.push('create');
        stored = { ...l, metadata: { ...l.metadata!, resourceVersion: String(++rv) } };
        return Promise.resolve(stored);
      },
      update: (_k: string, l: Lease) => {
        calls.push('update');
        if (api.conflictNext || l.metadata?.resourceVersion !== stored?.metadata?.resourceVersion) {
          api.conflictNext = false;
          stored = { ...stored!, metadata: { ...stored!.metadata!, resourceVersion: String(++rv) } };
          return Promise.reject(new ConflictError('stale'));
        }
        stored = { ...l, metadata: { ...l.metadata!, resourceVersion: String(++rv) } };
        return Promise.resolve(stored);
      },
    } as unknown as ApiClient,
  };
  return api;
}

const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

describe('LeaderElector', () => {
  it('a leader renews with one Update of the lease it wrote last, and reads again after a Conflict', async () => {
    const clock = new FakeClock(1_000_000);
    const api = leaseApi();
    const e = new LeaderElector({ client: api.client, name: 'x', identity: 'me', log: createLogger({}), clock, leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 });
    let signal: AbortSignal | undefined;
    const done = e.run((s) => (signal = s));
    await settle();
    expect(api.calls).toEqual(['get', 'create']);
    api.calls.length = 0;
    clock.advance(2_000);
    await settle();
    expect(api.calls).toEqual(['update']);
    api.conflictNext = true;
    api.calls.length = 0;
    clock.advance(2_000);
    await settle();
    // The fast path's Conflict falls back to read-and-decide: the lease is still ours, renewed.
    expect(api.calls).toEqual(['update', 'get', 'update']);
    expect(e.isLeader()).toBe(true);
    e.stop();
    await done;
    expect(signal?.aborted).toBe(true);
  });
});
