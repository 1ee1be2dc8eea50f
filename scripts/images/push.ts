// Pushes images from an OCI layout into a registry with skopeo (plain HTTP, for local registries).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { BuiltImage } from './build';

const run = promisify(execFile);

export interface PushOptions {
  /** host:port of the registry, e.g. 127.0.0.1:5000 */
  registry: string;
  /** Docker v2 schema 2 instead of OCI manifests */
  format?: 'oci' | 'v2s2';
  /** repository name to push as (default: the image's repo) */
  repo?: string;
  tag?: string;
}

/** `skopeo copy oci:LAYOUT:REF docker://REGISTRY/REPO:TAG`; an index is copied with all its platforms. */
export async function pushImage(layout: string, img: BuiltImage & { platforms?: unknown[] }, opts: PushOptions): Promise<string> {
  const dest = `${opts.registry}/${opts.repo ?? img.repo}:${opts.tag ?? img.tag}`;
  const args = ['copy', '--quiet', '--dest-tls-verify=false'];
  if (opts.format === 'v2s2') args.push('--format', 'v2s2');
  if (img.platforms !== undefined) args.push('--all');
  args.push(`oci:${layout}:${img.ref}`, `docker://${dest}`);
  await run('skopeo', args, { maxBuffer: 16 << 20 });
  return dest;
}
