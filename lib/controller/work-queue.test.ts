import { FakeClock } from './clock';
import { ExponentialBackoff } from './rate-limiter';
import { WorkQueue } from './work-queue';

describe('ExponentialBackoff', () => {
  it.each([
    [1, 5],
    [2, 10],
    [3, 20],
    [10, 2560],
    [30, 1_000_000],
  ])('failure #%i waits %i ms', (n, ms) => {
    const b = new ExponentialBackoff();
    let last = 0;
    for (let i = 0; i < n; i++) last = b.when('k');
    expect(last).toBe(ms);
  });

  it('forget resets the key only', () => {
    const b = new ExponentialBackoff();
    b.when('a');
    b.when('a');
    b.when('b');
    b.forget('a');
    expect(b.when('a')).toBe(5);
    expect(b.numRequeues('b')).toBe(1);
  });
});

describe('WorkQueue', () => {
  it('dedupes keys waiting to be processed', async () => {
    const q = new WorkQueue('t');
    q.add('a');
    q.add('b');
    q.add('a');
    expect(q.length).toBe(2);
    expect(await q.get()).toBe('a');
    expect(await q.get()).toBe('b');
  });

  it('never hands a key being processed to a second worker; re-adds it on done', async () => {
    const q = new WorkQueue('t');
    q.add('a');
    const k = await q.get();
    q.add('a');
    expect(q.length).toBe(0);
    const second = q.get();
    let got: string | undefined;
    void second.then((v) => (got = v));
    await Promise.resolve();
    expect(got).toBeUndefined();
    q.done(k as string);
    expect(await second).toBe('a');
  });

  it('addAfter delays and keeps the earliest time', () => {
    const clock = new FakeClock();
    const q = new WorkQueue('t', new ExponentialBackoff(), clock);
    q.addAfter('a', 100);
    q.addAfter('a', 50);
    q.addAfter('a', 500);
    clock.advance(49);
    expect(q.length).toBe(0);
    clock.advance(1);
    expect(q.length).toBe(1);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('addRateLimited backs off exponentially per key', () => {
    const clock = new FakeClock();
    const q = new WorkQueue('t', new ExponentialBackoff(5, 1000), clock);
    q.addRateLimited('a');
    clock.advance(4);
    expect(q.length).toBe(0);
    clock.advance(1);
    expect(q.length).toBe(1);
    expect(q.numRequeues('a')).toBe(1);
    q.forget('a');
    expect(q.numRequeues('a')).toBe(0);
  });

  it('getBatch returns what is ready, up to max', async () => {
    const q = new WorkQueue('t');
    for (const k of ['a', 'b', 'c']) q.add(k);
    expect(await q.getBatch(2)).toEqual(['a', 'b']);
    expect(await q.getBatch(10)).toEqual(['c']);
  });

  it('shutDown releases waiting getters with undefined', async () => {
    const q = new WorkQueue('t');
    const g = q.get();
    q.shutDown();
    expect(await g).toBeUndefined();
    q.add('x');
    expect(await q.get()).toBeUndefined();
  });
});
