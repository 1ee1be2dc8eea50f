import { ConmonRuntime } from './conmon-runtime';
import { runtimeConformance } from './runtime-conformance';
import { detectRuntime } from './runtime-select';

runtimeConformance('crun under conmon', { makeRuntime: (stateDir) => new ConmonRuntime({ choice: detectRuntime('crun'), stateDir }) });

test('crun is chosen (wrapped on hybrid cgroup hosts)', () => expect(detectRuntime('crun').name).toBe('crun'));
