#!/usr/bin/env node
// The one berth entry point: cmd/ is the only folder that imports cli, services and agent.
import { buildProgram } from './program';

buildProgram()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
