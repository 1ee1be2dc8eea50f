import * as fs from 'node:fs';
import * as path from 'node:path';
import type { OciSpec } from './oci-types';

/** Writes an OCI bundle's config.json atomically (the rootfs is mounted by the caller). */
export function writeBundleConfig(bundleDir: string, spec: OciSpec): void {
  fs.mkdirSync(bundleDir, { recursive: true });
  const file = path.join(bundleDir, 'config.json');
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(spec));
  fs.renameSync(`${file}.tmp`, file);
}
