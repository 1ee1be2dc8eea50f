import { FakeClock } from './clock';
import { StatusPacer, paceDelay } from './status-pacer';

describe('paceDelay', () => {
  it.each([
    ['never written: now', undefined, 5000, 0],
    ['written long ago: now', 1000, 5000, 0],
    ['written exactly one interval ago: now', 4000, 5000, 0],
    ['written 300 ms ago: wait the rest', 4700, 5000, 700],
  ])('%s', (_n, lastAt, now, want) => expect(paceDelay(lastAt, now, 1000)).toBe(want));
});

describe('StatusPacer', () => {
  it('lets the first write through, paces the next, and starts over after forget', () => {
    const clock = new FakeClock(10_000);
    const p = new StatusPacer(1000, clock);
    expect(p.delay('rs')).toBe(0);
    p.wrote('rs');
    clock.advance(250);
    expect(p.delay('rs')).toBe(750);
    expect(p.delay('other')).toBe(0);
    clock.advance(750);
    expect(p.delay('rs')).toBe(0);
    p.wrote('rs');
    p.forget('rs');
    expect(p.delay('rs')).toBe(0);
  });
});
