// Pure decoding of tar header blocks and PAX extended records (POSIX.1-2001 pax, ustar, GNU).
// Written here rather than taken from tar-stream because PAX values must stay raw bytes:
// `SCHILY.xattr.security.capability` holds binary data that UTF-8 decoding would corrupt.
import { LayerFormatError } from './unpack-errors';

export const BLOCK = 512;

export type EntryType = 'file' | 'hardlink' | 'symlink' | 'char' | 'block' | 'dir' | 'fifo';

/** A header block as written, before PAX/GNU long records are applied. */
export type RawHeader =
  | { kind: 'entry'; type: EntryType; fields: HeaderFields }
  | { kind: 'pax' | 'pax-global' | 'gnu-longname' | 'gnu-longlink'; size: number };

export interface HeaderFields {
  name: string;
  linkname: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** seconds since the epoch (PAX may add a fraction) */
  mtime: number;
  devmajor: number;
  devminor: number;
}

/** One entry with every extended record applied. */
export interface TarHeader extends HeaderFields {
  type: EntryType;
  /** xattr name → raw value bytes, from `SCHILY.xattr.<name>` records */
  xattrs: Map<string, Buffer>;
}

/** PAX records of one extended header, values kept as bytes. */
export type PaxRecords = Map<string, Buffer>;

const TYPES: Record<string, EntryType | RawHeader['kind']> = {
  '0': 'file',
  '\0': 'file',
  '7': 'file', // contiguous file: a regular file everywhere that matters
  '1': 'hardlink',
  '2': 'symlink',
  '3': 'char',
  '4': 'block',
  '5': 'dir',
  '6': 'fifo',
  x: 'pax',
  g: 'pax-global',
  L: 'gnu-longname',
  K: 'gnu-longlink',
};

export function isZeroBlock(block: Buffer): boolean {
  for (let i = 0; i < BLOCK; i++) if (block[i] !== 0) return false;
  return true;
}

/** Decodes one 512-byte header block; throws LayerFormatError on a bad checksum or type. */
export function decodeHeader(block: Buffer): RawHeader {
  if (!checksumMatches(block)) throw new LayerFormatError('invalid tar header (checksum mismatch): not a tar stream or corrupt');
  const flag = String.fromCharCode(block[156]);
  const kind = TYPES[flag];
  if (kind === undefined) throw new LayerFormatError(`unsupported tar entry type ${JSON.stringify(flag)}`);
  const size = decodeNumber(block, 124, 12, 'size');
  if (kind === 'pax' || kind === 'pax-global' || kind === 'gnu-longname' || kind === 'gnu-longlink') return { kind, size };
  const magic = block.toString('latin1', 257, 263);
  let name = cString(block, 0, 100);
  // ustar (not GNU, whose magic is "ustar " and keeps atime there) splits long names into prefix/name
  if (magic === 'ustar\0') {
    const prefix = cString(block, 345, 155);
    if (prefix) name = `${prefix}/${name}`;
  }
  let type = kind as EntryType;
  if (flag === '\0' && name.endsWith('/')) type = 'dir'; // pre-POSIX tar marks directories this way
  return {
    kind: 'entry',
    type,
    fields: {
      name,
      linkname: cString(block, 157, 100),
      mode: decodeNumber(block, 100, 8, 'mode'),
      uid: decodeNumber(block, 108, 8, 'uid'),
      gid: decodeNumber(block, 116, 8, 'gid'),
      size: type === 'file' ? size : 0,
      mtime: decodeNumber(block, 136, 12, 'mtime'),
      devmajor: decodeNumber(block, 329, 8, 'devmajor'),
      devminor: decodeNumber(block, 337, 8, 'devminor'),
    },
  };
}

/** Parses `"<len> <key>=<value>\n"` records; values stay raw bytes. */
export function decodePax(buf: Buffer): PaxRecords {
  const records: PaxRecords = new Map();
  let pos = 0;
  while (pos < buf.length) {
    if (buf[pos] === 0) break; // NUL padding after the last record
    const space = buf.indexOf(0x20, pos);
    const len = space < 0 ? NaN : Number(buf.toString('latin1', pos, space));
    if (!Number.isInteger(len) || len <= 0 || pos + len > buf.length || buf[pos + len - 1] !== 0x0a) {
      throw new LayerFormatError(`malformed PAX record at offset ${pos}`);
    }
    const eq = buf.indexOf(0x3d, space + 1);
    if (eq < 0 || eq >= pos + len) throw new LayerFormatError(`malformed PAX record at offset ${pos}`);
    records.set(buf.toString('utf8', space + 1, eq), Buffer.from(buf.subarray(eq + 1, pos + len - 1)));
    pos += len;
  }
  return records;
}

const XATTR_PREFIX = 'SCHILY.xattr.';

/**
 * Applies a PAX extended header and GNU long names to an entry. Global PAX headers are
 * ignored, as Go's archive/tar (and so containerd and umoci) ignores them.
 */
export function resolveHeader(raw: Extract<RawHeader, { kind: 'entry' }>, pax: PaxRecords | null, longName: string | null, longLink: string | null): TarHeader {
  const h: TarHeader = { ...raw.fields, type: raw.type, xattrs: new Map() };
  if (longName !== null) h.name = longName;
  if (longLink !== null) h.linkname = longLink;
  if (pax === null) return h;
  for (const [key, value] of pax) {
    if (key.startsWith(XATTR_PREFIX)) {
      h.xattrs.set(key.slice(XATTR_PREFIX.length), value);
      continue;
    }
    switch (key) {
      case 'path':
        h.name = value.toString('utf8');
        break;
      case 'linkpath':
        h.linkname = value.toString('utf8');
        break;
      case 'size':
        if (h.type === 'file') h.size = paxNumber(key, value);
        break;
      case 'uid':
        h.uid = paxNumber(key, value);
        break;
      case 'gid':
        h.gid = paxNumber(key, value);
        break;
      case 'mtime':
        h.mtime = paxNumber(key, value);
        break;
      default:
        if (key.startsWith('GNU.sparse.')) throw new LayerFormatError('GNU sparse files are not supported in layers');
    }
  }
  return h;
}

/** Decodes a NUL-terminated GNU long name record. */
export function decodeLongName(buf: Buffer): string {
  const nul = buf.indexOf(0);
  return buf.toString('utf8', 0, nul < 0 ? buf.length : nul);
}

function paxNumber(key: string, value: Buffer): number {
  const text = value.toString('latin1');
  const n = Number(text);
  if (text === '' || !Number.isFinite(n) || n < 0) throw new LayerFormatError(`bad PAX ${key} ${JSON.stringify(text)}`);
  return n;
}

function cString(block: Buffer, off: number, len: number): string {
  const end = block.indexOf(0, off);
  return block.toString('utf8', off, end < 0 || end > off + len ? off + len : end);
}

/** Octal ASCII (NUL/space terminated) or GNU base-256 (high bit set) for values that do not fit. */
function decodeNumber(block: Buffer, off: number, len: number, field: string): number {
  if (block[off] & 0x80) {
    if (block[off] === 0xff) throw new LayerFormatError(`negative ${field} in tar header`);
    let n = block[off] & 0x7f;
    for (let i = off + 1; i < off + len; i++) n = n * 256 + block[i];
    if (!Number.isSafeInteger(n)) throw new LayerFormatError(`${field} too large in tar header`);
    return n;
  }
  const text = block.toString('latin1', off, off + len).replace(/[\0 ]+$/, '').replace(/^[ ]+/, '');
  const cut = text.indexOf('\0');
  const digits = cut < 0 ? text : text.slice(0, cut);
  if (digits === '') return 0;
  if (!/^[0-7]+$/.test(digits)) throw new LayerFormatError(`bad octal ${field} ${JSON.stringify(digits)} in tar header`);
  return parseInt(digits, 8);
}

function checksumMatches(block: Buffer): boolean {
  const stored = block.toString('latin1', 148, 156).replace(/[\0 ]+$/, '').trim();
  if (!/^[0-7]+$/.test(stored)) return false;
  const want = parseInt(stored, 8);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : block[i];
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return want === unsigned || want === signed;
}
