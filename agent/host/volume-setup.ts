import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Pod } from '../../lib/api';
import { memoryBytes } from '../../lib/quantity';
import { mountTmpfs, mountsUnder } from './host-mounts';
import type { PodDirs } from './pod-dirs';
import { hostPathDecision, VolumeError, type FileKind } from './volume-plan';

function kindOf(p: string): FileKind | undefined {
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch {
    return undefined;
  }
  if (st.isDirectory()) return 'directory';
  if (st.isFile()) return 'file';
  if (st.isSocket()) return 'socket';
  if (st.isCharacterDevice()) return 'char';
  if (st.isBlockDevice()) return 'block';
  return 'other';
}

/**
 * Makes a pod's volumes exist on the node (idempotent, before each container start): emptyDirs
 * as world-writable directories under the pod (a tmpfs, size-capped by sizeLimit, for medium
 * Memory); hostPaths checked, or created, by their type.
 */
export async function ensureVolumes(pod: Pod, dirs: PodDirs): Promise<void> {
  const uid = pod.metadata!.uid;
  for (const v of pod.spec?.volumes ?? []) {
    if (v.emptyDir) {
      const dir = dirs.volume(uid, v.name);
      fs.mkdirSync(dir, { recursive: true });
      if (v.emptyDir.medium === 'Memory') {
        if (!mountsUnder(dir).includes(dir)) await mountTmpfs(dir, v.emptyDir.sizeLimit ? memoryBytes(v.emptyDir.sizeLimit) : undefined);
      } else {
        fs.chmodSync(dir, 0o777);
      }
    } else if (v.hostPath) {
      const p = v.hostPath.path;
      const decision = hostPathDecision(v.hostPath.type, kindOf(p));
      if ('error' in decision) throw new VolumeError(`volume ${v.name}: hostPath ${p} ${decision.error}`);
      if (decision.action === 'mkdir') fs.mkdirSync(p, { recursive: true, mode: 0o755 });
      if (decision.action === 'touch') {
        try {
          fs.writeFileSync(p, '', { flag: 'wx', mode: 0o644 });
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new VolumeError(`volume ${v.name}: cannot create ${p}: ${String(err)}`, { cause: err });
        }
      }
    }
  }
}

/** A subPath bind's source directory is created on first use, as the kubelet does. */
export function ensureSubPaths(binds: { hostPath: string }[], volumeRoots: string[]): void {
  for (const b of binds) {
    if (volumeRoots.includes(b.hostPath) || fs.existsSync(b.hostPath)) continue;
    if (volumeRoots.some((r) => b.hostPath.startsWith(`${r}${path.sep}`))) fs.mkdirSync(b.hostPath, { recursive: true, mode: 0o777 });
  }
}
