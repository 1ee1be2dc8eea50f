import { ConmonRuntime } from './conmon-runtime';
import { runtimeConformance } from './runtime-conformance';
import { detectRuntime } from './runtime-select';

runtimeConformance('runc under conmon', { makeRuntime: (stateDir) => new ConmonRuntime({ choice: detectRuntime('runc'), stateDir }) });
