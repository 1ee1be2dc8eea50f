import { Writable } from 'node:stream';
import { WatchOutbox, type WatchStreamLike } from './watch-outbox';

/** An object-mode stream (as grpc-js's server stream is) whose reader is paused until resumed. */
function slowStream(): { stream: Writable; got: string[]; resume(): void; ended: Promise<void> } {
  const got: string[] = [];
  const held: (() => void)[] = [];
  let paused = true;
  const stream = new Writable({
    objectMode: true,
    highWaterMark: 4,
    write(chunk: Buffer, _enc, cb) {
      got.push(chunk.toString());
      if (paused) held.push(cb);
      else cb();
    },
  });
  const ended = new Promise<void>((r) => stream.on('finish', () => r()));
  return { stream, got, resume: () => ((paused = false), held.splice(0).forEach((cb) => cb())), ended };
}

test('under backpressure events wait in the outbox, then all arrive in order; end waits for them', async () => {
  const s = slowStream();
  const outbox = new WatchOutbox(s.stream as unknown as WatchStreamLike, 0);
  const sent = Array.from({ length: 100 }, (_, i) => `e${i}`);
  for (const e of sent) outbox.send(Buffer.from(e));
  // The stream holds what its high-water mark allows; the rest waits here.
  expect(s.stream.writableLength).toBeLessThanOrEqual(5);
  expect(outbox.queued).toBe(100);
  outbox.end();
  s.resume();
  await s.ended;
  expect(s.got).toEqual(sent);
  expect(outbox.queued).toBe(0);
});

test('stalledFor grows while nothing is flushed and resets when the reader moves', async () => {
  const s = slowStream();
  const outbox = new WatchOutbox(s.stream as unknown as WatchStreamLike, 1_000);
  for (let i = 0; i < 10; i++) outbox.send(Buffer.from(`e${i}`));
  expect(outbox.stalledFor(31_000)).toBe(30_000);
  s.resume();
  await new Promise((r) => setImmediate(r));
  expect(outbox.stalledFor(32_000)).toBe(0);
});
