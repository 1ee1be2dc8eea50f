import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { ConmonRuntime } from './conmon-runtime';
import { runtimeConformance } from './runtime-conformance';
import { detectRuntime } from './runtime-select';

const choice = detectRuntime('crun');
// Each runtime keeps a launcher process in its mount namespace until closed.
const made: ConmonRuntime[] = [];
afterAll(async () => {
  for (const rt of made) await rt.close();
});
runtimeConformance('crun under conmon', {
  makeRuntime: (stateDir) => {
    const rt = new ConmonRuntime({ choice, stateDir });
    made.push(rt);
    return rt;
  },
  toolStatus: (stateDir, id) => (JSON.parse(execFileSync(choice.binary, ['--root', path.join(stateDir, 'root'), 'state', id], { encoding: 'utf8' })) as { status: string }).status,
});

test('crun is chosen (wrapped on hybrid cgroup hosts)', () => expect(choice.name).toBe('crun'));
