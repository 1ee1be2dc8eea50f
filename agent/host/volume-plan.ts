import * as path from 'node:path';
import type { Container, Pod } from '../../lib/api';
import { BadRequestError } from '../../lib/errors';
import type { VolumeBind } from '../runtime/oci-spec';

/** A pod's volume cannot be provided on this node (missing, wrong hostPath type, bad subPath). */
export class VolumeError extends BadRequestError {}

/** What is at a path on the host, as a hostPath type check sees it. */
export type FileKind = 'directory' | 'file' | 'socket' | 'char' | 'block' | 'other';

export type HostPathDecision = { action: 'none' | 'mkdir' | 'touch' } | { error: string };

const EXPECTED: Record<string, FileKind> = { Directory: 'directory', File: 'file', Socket: 'socket', CharDevice: 'char', BlockDevice: 'block' };

/**
 * Kubernetes' hostPath type check, given what exists at the path (undefined: nothing).
 * "" checks nothing; *OrCreate create a missing directory (with parents) or an empty file
 * (the parent must exist); the others require the path to exist with that type.
 */
export function hostPathDecision(type: string, existing: FileKind | undefined): HostPathDecision {
  if (type === '') return { action: 'none' };
  if (type === 'DirectoryOrCreate' || type === 'FileOrCreate') {
    const want: FileKind = type === 'DirectoryOrCreate' ? 'directory' : 'file';
    if (existing === undefined) return { action: want === 'directory' ? 'mkdir' : 'touch' };
    return existing === want ? { action: 'none' } : { error: `is a ${existing}, not a ${want}` };
  }
  const want = EXPECTED[type];
  if (!want) return { error: `unknown hostPath type "${type}"` };
  if (existing === undefined) return { error: `does not exist (type ${type})` };
  return existing === want ? { action: 'none' } : { error: `is a ${existing}, not a ${want} (type ${type})` };
}

/** A subPath stays inside its volume: relative, no "..". */
function checkSubPath(subPath: string, where: string): void {
  if (path.isAbsolute(subPath) || subPath.split('/').includes('..')) throw new VolumeError(`${where}: subPath "${subPath}" must be a relative path without ".."`);
}

/**
 * The binds of one container's volumeMounts (pure): an emptyDir is the pod's directory
 * `emptyDirPath(name)`, shared by all its containers; a hostPath is the host path itself.
 */
export function volumeBinds(pod: Pod, container: Container, emptyDirPath: (name: string) => string): VolumeBind[] {
  const volumes = new Map((pod.spec?.volumes ?? []).map((v) => [v.name, v]));
  return container.volumeMounts.map((m) => {
    const where = `container ${container.name} volumeMount ${m.name}`;
    const v = volumes.get(m.name);
    if (!v) throw new VolumeError(`${where}: the pod has no volume "${m.name}"`);
    let base: string;
    if (v.hostPath) {
      if (!path.isAbsolute(v.hostPath.path)) throw new VolumeError(`${where}: hostPath "${v.hostPath.path}" must be absolute`);
      base = v.hostPath.path;
    }
    else if (v.emptyDir) base = emptyDirPath(v.name);
    else throw new VolumeError(`${where}: volume "${v.name}" has no source this node supports (emptyDir, hostPath)`);
    if (m.subPath) checkSubPath(m.subPath, where);
    return { containerPath: m.mountPath, hostPath: m.subPath ? path.join(base, m.subPath) : base, readOnly: m.readOnly };
  });
}
