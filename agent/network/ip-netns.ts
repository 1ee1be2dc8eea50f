import { execFile } from 'node:child_process';
import { BerthError } from '../../lib/errors';

export class IpCommandError extends BerthError {}

/** Runs ip(8) (e.g. `netns add NAME`); rejects with its stderr on failure. */
export function runIp(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('ip', args, { timeout: 15_000 }, (err, stdout, stderr) => {
      if (err) reject(new IpCommandError(`ip ${args.join(' ')}: ${String(stderr).trim() || err.message}`));
      else resolve(String(stdout));
    });
  });
}
