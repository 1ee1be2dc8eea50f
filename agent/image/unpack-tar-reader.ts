// A streaming tar reader: entries with their bodies as chunks, never a whole file in memory.
import { LayerFormatError } from './unpack-errors';
import { BLOCK, decodeHeader, decodeLongName, decodePax, isZeroBlock, resolveHeader, type PaxRecords, type TarHeader } from './unpack-tar-header';

export interface TarEntry {
  header: TarHeader;
  /** The file's bytes (empty for non-files). Read it before asking for the next entry, or it is skipped. */
  body: AsyncIterable<Buffer>;
}

/** Extended headers (PAX, GNU long names) are small; a bigger one is an attack, not a name. */
const MAX_EXTENDED_HEADER = 1 << 20;

/** Pulls exact byte counts out of an async chunk source, slicing chunks without copying them. */
class ByteSource {
  private pending: Buffer = Buffer.alloc(0);
  private done = false;

  constructor(private readonly it: AsyncIterator<Buffer>) {}

  /** Up to `max` bytes (at least one), or null at end of stream. */
  async some(max: number): Promise<Buffer | null> {
    if (this.pending.length === 0 && !(await this.pull())) return null;
    const out = this.pending.subarray(0, Math.min(max, this.pending.length));
    this.pending = this.pending.subarray(out.length);
    return out;
  }

  /** Exactly `n` bytes, fewer only when the stream ends first. */
  async exact(n: number): Promise<Buffer> {
    if (this.pending.length >= n) {
      const out = this.pending.subarray(0, n);
      this.pending = this.pending.subarray(n);
      return out;
    }
    const parts: Buffer[] = [];
    let have = 0;
    while (have < n) {
      const part = await this.some(n - have);
      if (part === null) break;
      parts.push(part);
      have += part.length;
    }
    return Buffer.concat(parts, have);
  }

  async drain(): Promise<void> {
    this.pending = Buffer.alloc(0);
    while (await this.pull()) this.pending = Buffer.alloc(0);
  }

  private async pull(): Promise<boolean> {
    if (this.done) return false;
    const next = await this.it.next();
    if (next.done) {
      this.done = true;
      return false;
    }
    this.pending = next.value;
    return true;
  }
}

/**
 * Yields the entries of a tar stream. Like Go's archive/tar, a stream that ends at an entry
 * boundary without end-of-archive blocks is accepted (umoci 0.4 writes such layers); a stream
 * cut inside a header, a file or its padding fails with LayerFormatError. After the end blocks
 * the rest of the stream is read (and ignored) so that a hash over the source covers all of it.
 */
export async function* readTar(source: AsyncIterable<Buffer>): AsyncGenerator<TarEntry> {
  const src = new ByteSource(source[Symbol.asyncIterator]());
  let pax: PaxRecords | null = null;
  let longName: string | null = null;
  let longLink: string | null = null;
  let unread = 0; // body bytes (with padding) the consumer left unread
  for (;;) {
    if (unread > 0) await skip(src, unread);
    unread = 0;
    const block = await src.exact(BLOCK);
    if (block.length === 0 || isZeroBlock(block)) {
      if (pax !== null || longName !== null || longLink !== null) throw new LayerFormatError('tar stream ends after an extended header without its entry');
      if (block.length > 0) await src.drain();
      return;
    }
    if (block.length < BLOCK) throw new LayerFormatError('tar stream truncated inside a header');
    const raw = decodeHeader(block);
    if (raw.kind !== 'entry') {
      if (raw.size > MAX_EXTENDED_HEADER) throw new LayerFormatError(`extended tar header of ${raw.size} bytes is too large`);
      const data = await src.exact(padded(raw.size));
      if (data.length < padded(raw.size)) throw new LayerFormatError('tar stream truncated inside an extended header');
      const content = data.subarray(0, raw.size);
      if (raw.kind === 'pax') pax = decodePax(content);
      else if (raw.kind === 'gnu-longname') longName = decodeLongName(content);
      else if (raw.kind === 'gnu-longlink') longLink = decodeLongName(content);
      continue;
    }
    const header = resolveHeader(raw, pax, longName, longLink);
    pax = longName = longLink = null;
    const state = { left: header.size };
    yield { header, body: body(src, state) };
    unread = state.left + padded(header.size) - header.size;
  }

  async function* body(from: ByteSource, state: { left: number }): AsyncGenerator<Buffer> {
    while (state.left > 0) {
      const chunk = await from.some(state.left);
      if (chunk === null) throw new LayerFormatError('tar stream truncated inside a file');
      state.left -= chunk.length;
      yield chunk;
    }
  }
}

function padded(size: number): number {
  return Math.ceil(size / BLOCK) * BLOCK;
}

async function skip(src: ByteSource, n: number): Promise<void> {
  while (n > 0) {
    const chunk = await src.some(n);
    if (chunk === null) throw new LayerFormatError('tar stream truncated inside a file or its padding');
    n -= chunk.length;
  }
}
