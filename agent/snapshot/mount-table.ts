// Pure reading of /proc/self/mountinfo and building of overlay mount data.
import { BadRequestError } from '../../lib/errors';

/** Mount points listed in a mountinfo text (field 5, octal escapes such as \040 decoded). */
export function mountPoints(mountinfo: string): string[] {
  const out: string[] = [];
  for (const line of mountinfo.split('\n')) {
    const field = line.split(' ')[4];
    if (field) out.push(field.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8))));
  }
  return out;
}

/** The kernel copies at most one page of mount data. */
export const MOUNT_DATA_MAX = 4095;

/**
 * Overlay mount data with paths relative to the snapshots directory (the mount runs there):
 * `<n>/fs` per snapshot keeps 500 lower layers (the kernel's own limit) inside one page,
 * where absolute paths of chain IDs fit only about 43.
 */
export function overlayOptions(lowerIdsBottomToTop: number[], upper: { upperdir: string; workdir: string } | null): string {
  if (lowerIdsBottomToTop.length === 0) throw new BadRequestError('an overlay rootfs needs at least one layer');
  if (upper === null && lowerIdsBottomToTop.length < 2) throw new BadRequestError('a read-only overlay needs at least two layers (bind-mount a single one)');
  const lower = [...lowerIdsBottomToTop].reverse().map((n) => `${n}/fs`).join(':');
  const opts = upper === null ? `lowerdir=${lower}` : `lowerdir=${lower},upperdir=${upper.upperdir},workdir=${upper.workdir}`;
  if (opts.length > MOUNT_DATA_MAX) throw new BadRequestError(`overlay mount data of ${opts.length} bytes for ${lowerIdsBottomToTop.length} layers exceeds one page`);
  return opts;
}
