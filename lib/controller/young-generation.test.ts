import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { ModuleKind, transpileModule } from 'typescript';
import { semiSpaceGrowthFactor } from './young-generation';

const MB = 1024 * 1024;

describe('semiSpaceGrowthFactor', () => {
  it.each([
    ['below the cap: V8 grows as usual', 4 * MB, 8 * MB, 2],
    ['at the cap: no more growth', 8 * MB, 8 * MB, 1],
    ['above it (grown before the cap was set): no more growth', 32 * MB, 8 * MB, 1],
    ['shrunk by V8 below the cap: may grow back', 1 * MB, 16 * MB, 2],
  ])('%s', (_what, size, cap, factor) => {
    expect(semiSpaceGrowthFactor(size, cap)).toBe(factor);
  });
});

describe('capYoungGeneration', () => {
  // A fresh isolate (a worker) has the small young generation of a process just started; jest's own is grown already.
  it('keeps the young generation at the cap while objects survive scavenges fast', async () => {
    const code = `${transpileModule(readFileSync(join(__dirname, 'young-generation.ts'), 'utf8'), { compilerOptions: { module: ModuleKind.CommonJS } }).outputText}
      const v8 = require('node:v8');
      const { parentPort, workerData } = require('node:worker_threads');
      const newSpace = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
      // V8's flags are the process's: the cap is lifted before the worker reports.
      const uncap = exports.capYoungGeneration(workerData.capMb);
      const keep = [];
      let max = 0;
      let round = 0;
      // Allocation with survivors is what makes V8 grow the young generation (to 32 MB uncapped), in
      // turns of the event loop as a server's (the observer runs between them).
      const step = () => {
        for (let i = 0; i < 2000; i++) {
          const o = { a: 'x' + i, b: [i], round };
          if (i % 5 === 0) keep.push(o);
        }
        if (keep.length > 100000) keep.splice(0, 50000);
        max = Math.max(max, newSpace());
        // The GC observer runs between turns of the event loop.
        if (++round < 600) setImmediate(step);
        else {
          uncap();
          parentPort.postMessage(max);
        }
      };
      step();`;
    const maxNewSpace = (capMb: number): Promise<number> =>
      new Promise((resolve, reject) => {
        const w = new Worker(code, { eval: true, workerData: { capMb } });
        w.once('message', (m: number) => void w.terminate().then(() => resolve(m)));
        w.once('error', reject);
      });
    const [capped, uncapped] = [await maxNewSpace(2), await maxNewSpace(0)];
    expect(capped).toBeLessThanOrEqual(2 * MB);
    expect(uncapped).toBeGreaterThan(2 * MB);
  }, 60_000);
});
