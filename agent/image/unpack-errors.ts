import { BerthError } from '../../lib/errors';

/** The layer's bytes are not a readable tar (bad header, truncated, unsupported entry type). */
export class LayerFormatError extends BerthError {}

/**
 * The layer tries to write outside its root: `..` or absolute names, a path through a symlink,
 * a hardlink to outside. The whole layer is refused.
 */
export class UnsafeLayerError extends BerthError {}

/** The layer exceeds a configured limit (bytes, entries, file size, path length). */
export class LayerLimitError extends BerthError {}
