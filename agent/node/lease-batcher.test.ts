import { Lease, type ApiClient } from '../../lib/api';
import { FakeClock } from '../../lib/controller';
import { ConflictError } from '../../lib/errors';
import { LeaseBatcher } from './lease-batcher';

const lease = (name: string, rv = '1'): Lease => Lease.fromPartial({ metadata: { name, namespace: 'berth-system', resourceVersion: rv }, spec: { holderIdentity: name, renewTime: 't' } });
const settle = () => new Promise((r) => setImmediate(r));

/** An ApiClient whose updateMany records each call; names in `conflict` fail with ConflictError. */
function fakeClient(conflict: string[] = []) {
  const calls: string[][] = [];
  const client = {
    updateMany: (_kind: 'leases', leases: Lease[]) => {
      calls.push(leases.map((l) => l.metadata?.name ?? ''));
      return Promise.resolve(leases.map((l) => (conflict.includes(l.metadata?.name ?? '') ? new ConflictError('stale') : { ...l, metadata: { ...l.metadata!, resourceVersion: '2' } })));
    },
  } as unknown as ApiClient;
  return { client, calls };
}

describe('LeaseBatcher', () => {
  it('renewals made within one tick share one UpdateMany call, sent at the tick', async () => {
    const clock = new FakeClock();
    const { client, calls } = fakeClient();
    const b = new LeaseBatcher(client, { tickMs: 1000, clock });
    const first = b.renew(lease('n1'));
    clock.advance(400);
    const second = b.renew(lease('n2'));
    await settle();
    expect(calls).toEqual([]);
    clock.advance(600);
    await settle();
    expect(calls).toEqual([['n1', 'n2']]);
    expect((await first).metadata?.resourceVersion).toBe('2');
    expect((await second).metadata?.name).toBe('n2');
  });

  it('each renewal gets its own result: one Conflict fails only that node', async () => {
    const clock = new FakeClock();
    const { client } = fakeClient(['n2']);
    const b = new LeaseBatcher(client, { tickMs: 1000, clock });
    const ps = ['n1', 'n2', 'n3'].map((n) => b.renew(lease(n)).then((l) => l.metadata?.name, (e: unknown) => e));
    clock.advance(1000);
    const [r1, r2, r3] = await Promise.all(ps);
    expect([r1, r3]).toEqual(['n1', 'n3']);
    expect(r2).toBeInstanceOf(ConflictError);
  });

  it('a later tick starts a new call', async () => {
    const clock = new FakeClock();
    const { client, calls } = fakeClient();
    const b = new LeaseBatcher(client, { tickMs: 1000, clock });
    const a = b.renew(lease('n1'));
    clock.advance(1000);
    await a;
    const c = b.renew(lease('n2'));
    clock.advance(1000);
    await c;
    expect(calls).toEqual([['n1'], ['n2']]);
  });
});
