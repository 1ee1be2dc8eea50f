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
 * Overlay mount data, each path prefixed with `base` (e.g. the snapshots directory and a
 * slash; '' for paths relative to it), with no length check: see overlayOptions.
 */
export function overlayData(lowerIdsBottomToTop: number[], upper: { upperdir: string; workdir: string } | null, base = ''): string {
  if (lowerIdsBottomToTop.length === 0) throw new BadRequestError('an overlay rootfs needs at least one layer');
  if (upper === null && lowerIdsBottomToTop.length < 2) throw new BadRequestError('a read-only overlay needs at least two layers (bind-mount a single one)');
  const lower = [...lowerIdsBottomToTop].reverse().map((n) => `${base}${n}/fs`).join(':');
  return upper === null ? `lowerdir=${lower}` : `lowerdir=${lower},upperdir=${base}${upper.upperdir},workdir=${base}${upper.workdir}`;
}

/**
 * Overlay mount data with paths relative to the snapshots directory (the mount runs there):
 * `<n>/fs` per snapshot keeps 500 lower layers (the kernel's own limit) inside one page,
 * where absolute paths of chain IDs fit only about 43.
 */
export function overlayOptions(lowerIdsBottomToTop: number[], upper: { upperdir: string; workdir: string } | null): string {
  const opts = overlayData(lowerIdsBottomToTop, upper);
  if (opts.length > MOUNT_DATA_MAX) throw new BadRequestError(`overlay mount data of ${opts.length} bytes for ${lowerIdsBottomToTop.length} layers exceeds one page`);
  return opts;
}
