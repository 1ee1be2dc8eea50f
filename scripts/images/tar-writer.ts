// A deterministic tar writer (POSIX pax): the same entries give the same bytes on every run.
// Written here, independent of agent/image's reader, so that each checks the other.

export type TarEntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo';

export interface TarEntrySpec {
  name: string;
  type: TarEntryType;
  mode: number;
  uid?: number;
  gid?: number;
  /** seconds; defaults to FIXED_MTIME */
  mtime?: number;
  /** file contents: bytes, or a size plus a chunk generator for big files */
  data?: Buffer | { size: number; chunks: () => Iterable<Buffer> };
  linkname?: string;
  devmajor?: number;
  devminor?: number;
  /** written as SCHILY.xattr.<name> PAX records, values as raw bytes */
  xattrs?: Record<string, Buffer>;
}

/** 2020-01-01T00:00:00Z: fixed so that layers are byte-for-byte reproducible. */
export const FIXED_MTIME = 1577836800;

const TYPEFLAG: Record<TarEntryType, string> = { file: '0', hardlink: '1', symlink: '2', char: '3', block: '4', dir: '5', fifo: '6' };
const BLOCK = 512;

/** The tar stream of `entries` in the given order; `endBlocks: false` omits the two zero blocks. */
export function* tarChunks(entries: Iterable<TarEntrySpec>, opts: { endBlocks?: boolean } = {}): Generator<Buffer> {
  for (const e of entries) {
    const size = e.type !== 'file' ? 0 : e.data === undefined ? 0 : Buffer.isBuffer(e.data) ? e.data.length : e.data.size;
    yield* entryHeaders(e, size);
    if (e.type !== 'file' || e.data === undefined) continue;
    if (Buffer.isBuffer(e.data)) {
      yield e.data;
    } else {
      let written = 0;
      for (const chunk of e.data.chunks()) {
        written += chunk.length;
        yield chunk;
      }
      if (written !== size) throw new Error(`tar entry ${e.name}: generator wrote ${written} bytes, declared ${size}`);
    }
    if (size % BLOCK !== 0) yield Buffer.alloc(BLOCK - (size % BLOCK));
  }
  if (opts.endBlocks !== false) yield Buffer.alloc(2 * BLOCK);
}

export function tarBuffer(entries: Iterable<TarEntrySpec>, opts: { endBlocks?: boolean } = {}): Buffer {
  return Buffer.concat([...tarChunks(entries, opts)]);
}

function entryHeaders(e: TarEntrySpec, size: number): Buffer[] {
  const name = e.type === 'dir' && !e.name.endsWith('/') ? `${e.name}/` : e.name;
  const linkname = e.linkname ?? '';
  const pax: Array<[string, Buffer]> = [];
  if (!fitsUstar(name, 100)) pax.push(['path', Buffer.from(name)]);
  if (!fitsUstar(linkname, 100)) pax.push(['linkpath', Buffer.from(linkname)]);
  for (const [k, v] of Object.entries(e.xattrs ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) pax.push([`SCHILY.xattr.${k}`, v]);
  const out: Buffer[] = [];
  if (pax.length > 0) {
    const body = Buffer.concat(pax.map(([k, v]) => paxRecord(k, v)));
    out.push(header({ name: asciiName(`PaxHeaders/${name}`), typeflag: 'x', mode: 0o644, uid: 0, gid: 0, size: body.length, mtime: e.mtime ?? FIXED_MTIME, linkname: '', devmajor: 0, devminor: 0 }));
    out.push(body, Buffer.alloc((BLOCK - (body.length % BLOCK)) % BLOCK));
  }
  out.push(
    header({
      name: fitsUstar(name, 100) ? name : asciiName(name),
      typeflag: TYPEFLAG[e.type],
      mode: e.mode,
      uid: e.uid ?? 0,
      gid: e.gid ?? 0,
      size,
      mtime: e.mtime ?? FIXED_MTIME,
      linkname: fitsUstar(linkname, 100) ? linkname : asciiName(linkname),
      devmajor: e.devmajor ?? 0,
      devminor: e.devminor ?? 0,
    }),
  );
  return out;
}

interface HeaderFields {
  name: string;
  typeflag: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  linkname: string;
  devmajor: number;
  devminor: number;
}

function header(f: HeaderFields): Buffer {
  const b = Buffer.alloc(BLOCK);
  b.write(f.name, 0, 100, 'utf8');
  octal(b, 100, 8, f.mode);
  octal(b, 108, 8, f.uid);
  octal(b, 116, 8, f.gid);
  octal(b, 124, 12, f.size);
  octal(b, 136, 12, f.mtime);
  b.fill(0x20, 148, 156);
  b.write(f.typeflag, 156, 1, 'latin1');
  b.write(f.linkname, 157, 100, 'utf8');
  b.write('ustar\x0000', 257, 8, 'latin1');
  b.write(f.uid === 0 ? 'root' : '', 265, 32, 'latin1');
  b.write(f.gid === 0 ? 'root' : '', 297, 32, 'latin1');
  octal(b, 329, 8, f.devmajor);
  octal(b, 337, 8, f.devminor);
  let sum = 0;
  for (const byte of b) sum += byte;
  b.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'latin1');
  return b;
}

function octal(b: Buffer, off: number, len: number, n: number): void {
  const s = n.toString(8);
  if (s.length > len - 1) throw new Error(`tar header: ${n} does not fit ${len - 1} octal digits`);
  b.write(s.padStart(len - 1, '0') + '\0', off, len, 'latin1');
}

function paxRecord(key: string, value: Buffer): Buffer {
  const rest = Buffer.concat([Buffer.from(` ${key}=`), value, Buffer.from('\n')]);
  let len = rest.length + 1;
  while (String(len).length + rest.length !== len) len = String(len).length + rest.length;
  return Buffer.concat([Buffer.from(String(len)), rest]);
}

function fitsUstar(s: string, max: number): boolean {
  return Buffer.byteLength(s) < max && /^[\x20-\x7e]*$/.test(s);
}

/** The placeholder name in the ustar field when PAX carries the real one. */
function asciiName(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, '_').slice(0, 99);
}
