import type { ApiClient } from '../api';

const WRITES = new Set<string | symbol>(['create', 'update', 'updateStatus', 'delete', 'bind', 'bindMany', 'apply', 'createMany', 'updateMany', 'updateStatusMany']);

/**
 * The ApiClient a leader-elected component writes through: every write first checks that
 * leadership is still valid (throws NotLeaderError otherwise), so a leader that was paused
 * past its renew deadline cannot write even before its own timers notice.
 */
export function leaderGuardedClient(client: ApiClient, guard: { assertLeading(): void }): ApiClient {
  return new Proxy(client, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (typeof v !== 'function') return v;
      if (!WRITES.has(prop)) return v.bind(target);
      return (...args: unknown[]) => {
        guard.assertLeading();
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}
