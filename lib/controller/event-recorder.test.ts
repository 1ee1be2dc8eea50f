import { Pod, type ApiClient } from '../api';
import { createLogger } from '../log';
import { EventRecorder, laneOf } from './event-recorder';

describe('laneOf', () => {
  it('sends one key always to the same lane, within range', () => {
    for (const k of ['a', 'pods\0default\0web-1', '']) {
      expect(laneOf(k, 4)).toBe(laneOf(k, 4));
      expect(laneOf(k, 4)).toBeGreaterThanOrEqual(0);
      expect(laneOf(k, 4)).toBeLessThan(4);
    }
  });
});

describe('EventRecorder', () => {
  it('drops events beyond maxPending while the apiserver does not answer, and counts them', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const created: string[] = [];
    // An API writer that holds every create until the gate opens (the seam, STYLE.md 10).
    const writer = {
      createMany: async (_k: string, es: { reason: string }[]) => {
        await gate;
        created.push(...es.map((e) => e.reason));
        return es;
      },
    } as unknown as ApiClient;
    const rec = new EventRecorder(writer, 'test', createLogger({ test: 'events' }), undefined, { concurrency: 2, maxPending: 3 });
    const pod = Pod.fromPartial({ metadata: { name: 'p', namespace: 'default', uid: 'u' } });
    for (const reason of ['A', 'B', 'C', 'D', 'E']) rec.record('pods', pod, 'Normal', reason, 'm');
    expect(rec.dropped).toBe(2);
    release();
    await rec.flush();
    expect(created.sort()).toEqual(['A', 'B', 'C']);
  });

  it('new events of different lanes share CreateMany calls', async () => {
    const calls: number[] = [];
    const writer = {
      createMany: async (_k: string, es: unknown[]) => {
        calls.push(es.length);
        return es;
      },
    } as unknown as ApiClient;
    const rec = new EventRecorder(writer, 'test', createLogger({ test: 'events' }), undefined, { concurrency: 16 });
    for (let i = 0; i < 8; i++) rec.record('pods', Pod.fromPartial({ metadata: { name: `p${i}`, namespace: 'default', uid: `u${i}` } }), 'Normal', 'Started', 'm');
    await rec.flush();
    expect(calls.reduce((a, b) => a + b, 0)).toBe(8);
    expect(calls.length).toBeLessThan(4);
  });
});
