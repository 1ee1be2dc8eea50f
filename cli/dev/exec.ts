import { execFile } from 'node:child_process';
import { BerthError } from '../../lib/errors';

/** A host command `dev` ran failed; carries its stderr. */
export class CommandFailedError extends BerthError {
  constructor(
    readonly argv: string[],
    readonly stderr: string,
  ) {
    super(`${argv.join(' ')} failed: ${stderr.trim()}`);
  }
}

/** Runs a command to completion and returns its stdout; rejects with CommandFailedError. */
export function run(argv: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(argv[0] ?? '', argv.slice(1), { maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new CommandFailedError(argv, stderr || err.message));
      else resolve(stdout);
    });
  });
}

/** Like run, for steps whose failure only means "already done" (delete of something absent). */
export async function runQuiet(argv: string[]): Promise<boolean> {
  try {
    await run(argv);
    return true;
  } catch (err) {
    if (err instanceof CommandFailedError) return false;
    throw err;
  }
}
