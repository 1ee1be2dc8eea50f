import { ConflictError, NotFoundError } from '../errors';
import { Batcher } from './batcher';
import { FakeClock } from './clock';

/** A send seam whose calls the test answers by hand. */
function manualSend() {
  const calls: Array<{ batch: string[]; answer(results: Array<string | Error>): void; fail(err: Error): void }> = [];
  const send = (batch: string[]) =>
    new Promise<Array<string | Error>>((resolve, reject) => calls.push({ batch, answer: resolve, fail: reject }));
  return { calls, send };
}

const settle = () => new Promise((r) => setImmediate(r));
const echo = (batch: string[]) => batch.map((s) => `${s}!`);

describe('Batcher', () => {
  it('idle: a write goes out at once, alone', async () => {
    const { calls, send } = manualSend();
    const b = new Batcher(send);
    const p = b.write('a');
    await settle();
    expect(calls.map((c) => c.batch)).toEqual([['a']]);
    calls[0].answer(['a!']);
    await expect(p).resolves.toBe('a!');
  });

  it('writes of one tick share a call', async () => {
    const { calls, send } = manualSend();
    const b = new Batcher(send);
    const ps = ['a', 'b', 'c'].map((s) => b.write(s));
    await settle();
    expect(calls.map((c) => c.batch)).toEqual([['a', 'b', 'c']]);
    calls[0].answer(echo(calls[0].batch));
    await expect(Promise.all(ps)).resolves.toEqual(['a!', 'b!', 'c!']);
  });

  it('while every call is in flight, writes accumulate and go out together when one returns', async () => {
    const { calls, send } = manualSend();
    const b = new Batcher(send, { maxInFlight: 2 });
    const first = [b.write('a')];
    await settle();
    first.push(b.write('b'));
    await settle();
    expect(calls.map((c) => c.batch)).toEqual([['a'], ['b']]);
    const later = ['c', 'd', 'e'].map((s) => b.write(s));
    await settle();
    expect(calls).toHaveLength(2);
    expect(b.queued).toBe(3);
    calls[1].answer(['b!']);
    await settle();
    expect(calls.map((c) => c.batch)).toEqual([['a'], ['b'], ['c', 'd', 'e']]);
    calls[0].answer(['a!']);
    calls[2].answer(echo(calls[2].batch));
    await expect(Promise.all([...first, ...later])).resolves.toEqual(['a!', 'b!', 'c!', 'd!', 'e!']);
  });

  it('a batch never exceeds maxBatch', async () => {
    const { calls, send } = manualSend();
    const b = new Batcher(send, { maxInFlight: 1, maxBatch: 2 });
    const ps = ['a', 'b', 'c'].map((s) => b.write(s));
    await settle();
    expect(calls.map((c) => c.batch)).toEqual([['a', 'b']]);
    calls[0].answer(echo(calls[0].batch));
    await settle();
    expect(calls.map((c) => c.batch)).toEqual([['a', 'b'], ['c']]);
    calls[1].answer(echo(calls[1].batch));
    await expect(Promise.all(ps)).resolves.toEqual(['a!', 'b!', 'c!']);
  });

  it('each caller gets its own item error; the others succeed', async () => {
    const { calls, send } = manualSend();
    const b = new Batcher(send);
    const [a, gone, stale] = ['a', 'gone', 'stale'].map((s) => b.write(s));
    await settle();
    calls[0].answer(['a!', new NotFoundError('pods default/gone not found'), new ConflictError('pods default/stale was modified')]);
    await expect(a).resolves.toBe('a!');
    await expect(gone).rejects.toBeInstanceOf(NotFoundError);
    await expect(stale).rejects.toBeInstanceOf(ConflictError);
  });

  it('a failed call fails each of its writes, and later writes still go out', async () => {
    const { calls, send } = manualSend();
    const b = new Batcher(send, { maxInFlight: 1 });
    const ps = ['a', 'b'].map((s) => b.write(s));
    await settle();
    calls[0].fail(new Error('unavailable'));
    await expect(Promise.all(ps.map((p) => p.catch((e: Error) => e.message)))).resolves.toEqual(['unavailable', 'unavailable']);
    const c = b.write('c');
    await settle();
    calls[1].answer(['c!']);
    await expect(c).resolves.toBe('c!');
  });

  it('a short reply fails the writes it left out', async () => {
    const { calls, send } = manualSend();
    const b = new Batcher(send);
    const ps = ['a', 'b'].map((s) => b.write(s));
    await settle();
    calls[0].answer(['a!']);
    await expect(ps[0]).resolves.toBe('a!');
    await expect(ps[1]).rejects.toThrow('1 results for 2 writes');
  });

  it('with a linger period, writes spread over it share a call sent when it ends', async () => {
    const { calls, send } = manualSend();
    const clock = new FakeClock();
    const b = new Batcher(send, { lingerMs: 1000, clock });
    const ps = [b.write('a')];
    clock.advance(999);
    ps.push(b.write('b'));
    await settle();
    expect(calls).toEqual([]);
    clock.advance(1);
    await settle();
    expect(calls.map((c) => c.batch)).toEqual([['a', 'b']]);
    calls[0].answer(echo(calls[0].batch));
    await expect(Promise.all(ps)).resolves.toEqual(['a!', 'b!']);
  });
});
