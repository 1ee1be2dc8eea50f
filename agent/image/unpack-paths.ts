// Pure decisions about entry names: where an entry lands inside the layer root, and what a
// whiteout name means. No file system access here.
import { LayerLimitError, UnsafeLayerError } from './unpack-errors';

/** Where an entry lands, as path components below the layer root ([] = the root itself). */
export type LayerPath = string[];

/**
 * Splits a tar entry name into components below the layer root. `.` components and a trailing
 * `/` are dropped; `..` anywhere and absolute names are refused: a layer that names a path
 * outside its root is hostile or broken, and is not silently rewritten.
 */
export function layerPath(name: string, maxLength: number): LayerPath {
  if (name.length > maxLength) throw new LayerLimitError(`entry name of ${name.length} bytes exceeds the limit of ${maxLength}`);
  if (name.includes('\0')) throw new UnsafeLayerError(`entry ${JSON.stringify(name)} has a NUL byte in its name`);
  if (name.startsWith('/')) throw new UnsafeLayerError(`entry ${name} is an absolute path outside the layer root`);
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw new UnsafeLayerError(`entry ${name} escapes the layer root`);
  return parts;
}

const WHITEOUT = '.wh.';
const OPAQUE = '.wh..wh..opq';

/**
 * What an entry's last component means for an overlay snapshot:
 * `.wh..wh..opq` makes its directory opaque; `.wh.<name>` deletes `<name>` from lower layers;
 * other `.wh..wh.*` names are AUFS metadata (hardlink bookkeeping) and are dropped.
 */
export type WhiteoutKind = { kind: 'none' } | { kind: 'opaque'; dir: LayerPath } | { kind: 'whiteout'; path: LayerPath } | { kind: 'aufs-meta' };

export function whiteoutKind(path: LayerPath): WhiteoutKind {
  const base = path[path.length - 1];
  if (base === undefined || !base.startsWith(WHITEOUT)) return { kind: 'none' };
  const dir = path.slice(0, -1);
  if (base === OPAQUE) return { kind: 'opaque', dir };
  if (base.startsWith(WHITEOUT + WHITEOUT)) return { kind: 'aufs-meta' };
  const name = base.slice(WHITEOUT.length);
  if (name === '' || name === '.' || name === '..') throw new UnsafeLayerError(`whiteout ${path.join('/')} names no valid entry`);
  return { kind: 'whiteout', path: [...dir, name] };
}

/** Overlay keeps its own state in trusted.overlay.* xattrs; a layer must not set them itself. */
export function isReservedXattr(name: string): boolean {
  return name.startsWith('trusted.overlay.');
}
