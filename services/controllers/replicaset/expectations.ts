import { realClock, type Clock } from '../../../lib/controller';

interface Expectation {
  adds: number;
  dels: Set<string>;
  at: number;
}

/**
 * Creations and deletions a controller has issued but not yet seen through its informer
 * (Kubernetes' ControllerExpectations). While any are pending for a key, the controller does not
 * act on its (stale) cache. Expectations expire after `ttlMs` so a lost watch event cannot wedge a key.
 */
export class Expectations {
  private readonly m = new Map<string, Expectation>();

  constructor(
    private readonly ttlMs = 5 * 60_000,
    private readonly clock: Clock = realClock,
  ) {}

  satisfied(key: string): boolean {
    const e = this.m.get(key);
    if (!e) return true;
    if ((e.adds <= 0 && e.dels.size === 0) || this.clock.now() - e.at > this.ttlMs) {
      this.m.delete(key);
      return true;
    }
    return false;
  }

  expect(key: string, adds: number, delKeys: string[]): void {
    this.m.set(key, { adds, dels: new Set(delKeys), at: this.clock.now() });
  }

  creationObserved(key: string): void {
    const e = this.m.get(key);
    if (e) e.adds--;
  }

  /** A creation that failed will never be observed. */
  creationFailed(key: string): void {
    this.creationObserved(key);
  }

  deletionObserved(key: string, podKey: string): void {
    this.m.get(key)?.dels.delete(podKey);
  }

  forget(key: string): void {
    this.m.delete(key);
  }
}
