#!/usr/bin/env node
// The one berth entry point: cmd/ is the only folder that imports cli, services and agent.
import { capYoungGeneration, holdYoungGeneration } from '../lib/controller/young-generation';

// Before the rest is loaded: each command then sets its own young generation (or V8's default).
holdYoungGeneration();

void import('./program-for')
  .then(({ programFor }) => programFor(process.argv))
  .then((program) =>
    program
      .hook('preAction', () => void capYoungGeneration(0))
      .parseAsync(process.argv)
      .catch((err: unknown) => {
        process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(1);
      }),
  );
