import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { ConmonRuntime } from './conmon-runtime';
import { runtimeConformance } from './runtime-conformance';
import { detectRuntime } from './runtime-select';

const choice = detectRuntime('runc');
runtimeConformance('runc under conmon', {
  makeRuntime: (stateDir) => new ConmonRuntime({ choice, stateDir }),
  toolStatus: (stateDir, id) => (JSON.parse(execFileSync(choice.binary, ['--root', path.join(stateDir, 'root'), 'state', id], { encoding: 'utf8' })) as { status: string }).status,
});
