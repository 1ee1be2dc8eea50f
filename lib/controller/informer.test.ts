import type { Pod } from '../api';
import { createLogger } from '../log';
import { watchLooksStuck, type InformerOptions } from './informer';

test.each([
  ['silent since the notice, open for a minute', { lastEventAt: 50_000, noticeAt: 60_000, openedAt: 0, reopens: 0 }, true],
  ['an event came after the notice', { lastEventAt: 60_500, noticeAt: 60_000, openedAt: 0, reopens: 0 }, false],
  ['behind but delivering: an event at the notice', { lastEventAt: 60_000, noticeAt: 60_000, openedAt: 0, reopens: 0 }, false],
  ['just re-opened (may be replaying history)', { lastEventAt: 50_000, noticeAt: 60_000, openedAt: 58_000, reopens: 0 }, false],
  ['open exactly 5 s and silent', { lastEventAt: 0, noticeAt: 5_000, openedAt: 0, reopens: 0 }, true],
  ['re-opened once without an event: 5 s is not enough', { lastEventAt: 0, noticeAt: 7_000, openedAt: 0, reopens: 1 }, false],
  ['re-opened once without an event: 10 s is', { lastEventAt: 0, noticeAt: 10_000, openedAt: 0, reopens: 1 }, true],
  ['re-opened many times: capped at 80 s', { lastEventAt: 0, noticeAt: 80_000, openedAt: 0, reopens: 30 }, true],
  ['re-opened many times: 79 s is not enough', { lastEventAt: 0, noticeAt: 79_000, openedAt: 0, reopens: 30 }, false],
])('%s → stuck %s', (_, s, stuck) => expect(watchLooksStuck(s)).toBe(stuck));

describe('InformerOptions', () => {
  it('needs a transform exactly when the cached type is not the API type (checked by tsc)', () => {
    type Slim = { metadata?: { name: string; namespace: string; resourceVersion: string }; phase: string };
    const log = createLogger({});
    const projected: InformerOptions<Pod, Slim> = { log, transform: (p) => ({ metadata: p.metadata, phase: p.status?.phase ?? '' }) };
    // @ts-expect-error a Pod is not a Slim: without a transform nothing would make one
    const missing: InformerOptions<Pod, Slim> = { log };
    const whole: InformerOptions<Pod> = { log };
    expect([projected.transform, missing, whole.transform]).toHaveLength(3);
  });
});
