import { Writable } from 'node:stream';
import { WatchEvent } from '../../proto/gen/berth/v1/api';
import { encodeMessage } from '../../lib/api/proto-writer';
import { WatchOutbox, type WatchStreamLike } from './watch-outbox';

/** An object-mode stream (as grpc-js's server stream is) whose reader is paused until resumed. */
function slowStream(highWaterMark = 4): { stream: Writable; got: Buffer[]; resume(): void; ended: Promise<void> } {
  const got: Buffer[] = [];
  const held: (() => void)[] = [];
  let paused = true;
  const stream = new Writable({
    objectMode: true,
    highWaterMark,
    write(chunk: Buffer, _enc, cb) {
      got.push(chunk);
      if (paused) held.push(cb);
      else cb();
    },
  });
  const ended = new Promise<void>((r) => stream.on('finish', () => r()));
  return { stream, got, resume: () => ((paused = false), held.splice(0).forEach((cb) => cb())), ended };
}

const event = (i: number, pad = 0): Buffer => encodeMessage(WatchEvent, WatchEvent.fromPartial({ type: 'MODIFIED', resourceVersion: `${i}`, object: pad ? { pod: { metadata: { name: 'x'.repeat(pad) } } } : undefined }));
const eventsOf = (message: Buffer): string[] => {
  const m = WatchEvent.decode(message);
  return (m.events.length > 0 ? m.events : [m]).map((e) => e.resourceVersion);
};
const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

test('under backpressure events wait in the outbox, then all arrive in order; end waits for them', async () => {
  const s = slowStream();
  const outbox = new WatchOutbox(s.stream as unknown as WatchStreamLike, 0);
  const sent = Array.from({ length: 100 }, (_, i) => event(i));
  for (const e of sent) outbox.send(e);
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
  for (let i = 0; i < 10; i++) outbox.send(event(i));
  expect(outbox.stalledFor(31_000)).toBe(30_000);
  s.resume();
  await turn();
  expect(outbox.stalledFor(32_000)).toBe(0);
});

test('for a batch reader, the events of one turn leave as one message, in order; a lone event as itself', async () => {
  const s = slowStream();
  s.resume();
  const outbox = new WatchOutbox(s.stream as unknown as WatchStreamLike, 0, true);
  for (let i = 1; i <= 50; i++) outbox.send(event(i));
  expect(s.got).toHaveLength(0); // sent at the end of the turn
  await turn();
  expect(s.got).toHaveLength(1);
  expect(eventsOf(s.got[0])).toEqual(Array.from({ length: 50 }, (_, i) => String(i + 1)));
  outbox.send(event(51));
  await turn();
  expect(WatchEvent.decode(s.got[1]).events).toEqual([]);
  expect(eventsOf(s.got[1])).toEqual(['51']);
});

test('a batch stops short of 256 KiB; what waited under backpressure follows in order', async () => {
  const s = slowStream();
  const outbox = new WatchOutbox(s.stream as unknown as WatchStreamLike, 0, true);
  // About 100 KB each: 30 of them need several messages.
  for (let i = 0; i < 30; i++) outbox.send(event(i, 100_000));
  await turn();
  outbox.end();
  s.resume();
  await s.ended;
  expect(s.got.length).toBeGreaterThanOrEqual(10);
  for (const m of s.got) expect(m.length).toBeLessThanOrEqual(256 * 1024 + 200_000);
  expect(s.got.flatMap(eventsOf)).toEqual(Array.from({ length: 30 }, (_, i) => String(i)));
});

test('a stream that counts messages, not bytes, is given at most about 512 KiB unflushed; the rest waits here', async () => {
  // A high-water mark of 1,000 messages: the stream itself would take every event.
  const s = slowStream(1000);
  const outbox = new WatchOutbox(s.stream as unknown as WatchStreamLike, 0);
  const sent = Array.from({ length: 100 }, (_, i) => event(i, 100_000));
  for (const e of sent) outbox.send(e);
  expect(s.got.length).toBeGreaterThan(0);
  expect(s.got.length).toBeLessThanOrEqual(6);
  expect(outbox.queued).toBe(100);
  outbox.end();
  s.resume();
  await s.ended;
  expect(s.got).toHaveLength(100);
  expect(s.got.every((b, i) => b === sent[i])).toBe(true);
});
