import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import { promisify } from 'node:util';
import { MountError } from '../snapshot/snapshotter';
import { mountPoints } from '../snapshot/mount-table';

const run = promisify(execFile);

function stderrOf(err: unknown): string {
  return String((err as { stderr?: string }).stderr ?? '').trim() || String(err);
}

/** Mount points at or below `dir`, deepest first (the order they unmount in). */
export function mountsUnder(dir: string): string[] {
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  const points = mountPoints(fs.readFileSync('/proc/self/mountinfo', 'utf8')).filter((p) => p === dir || p.startsWith(prefix));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

export async function mountTmpfs(target: string, sizeBytes?: number): Promise<void> {
  const opts = ['mode=0777', ...(sizeBytes ? [`size=${sizeBytes}`] : [])].join(',');
  try {
    await run('mount', ['-t', 'tmpfs', '-o', opts, 'tmpfs', target]);
  } catch (err) {
    throw new MountError(`mount tmpfs on ${target}: ${stderrOf(err)}`, { cause: err });
  }
}

/** Unmounts everything at or below `dir`; a busy mount is detached lazily rather than left. */
export async function unmountUnder(dir: string): Promise<void> {
  for (const p of mountsUnder(dir)) {
    try {
      await run('umount', [p]);
    } catch (err) {
      try {
        await run('umount', ['-l', p]);
      } catch {
        throw new MountError(`umount ${p}: ${stderrOf(err)}`, { cause: err });
      }
    }
  }
}
