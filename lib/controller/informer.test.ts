import { watchLooksStuck } from './informer';

test.each([
  ['silent since the notice, open for a minute', { lastEventAt: 50_000, noticeAt: 60_000, openedAt: 0 }, true],
  ['an event came after the notice', { lastEventAt: 60_500, noticeAt: 60_000, openedAt: 0 }, false],
  ['behind but delivering: an event at the notice', { lastEventAt: 60_000, noticeAt: 60_000, openedAt: 0 }, false],
  ['just re-opened (may be replaying history)', { lastEventAt: 50_000, noticeAt: 60_000, openedAt: 58_000 }, false],
  ['open exactly 5 s and silent', { lastEventAt: 0, noticeAt: 5_000, openedAt: 0 }, true],
])('%s → stuck %s', (_, s, stuck) => expect(watchLooksStuck(s)).toBe(stuck));
