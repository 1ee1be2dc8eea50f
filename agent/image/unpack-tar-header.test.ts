import { tarBuffer } from '../../scripts/images/tar-writer';
import { LayerFormatError } from './unpack-errors';
import { decodeHeader, decodePax, resolveHeader } from './unpack-tar-header';

const CAP = Buffer.from('0100000280000000000000000000000000000000', 'hex');

describe('decodePax', () => {
  it('keeps binary xattr values as raw bytes', () => {
    const rec = Buffer.concat([Buffer.from('57 SCHILY.xattr.security.capability='), CAP, Buffer.from('\n')]);
    expect(decodePax(rec).get('SCHILY.xattr.security.capability')).toEqual(CAP);
  });
  it('reads several records and unicode keys/values', () => {
    const recs = Buffer.from('11 path=ä\n16 linkpath=a/b\n');
    const m = decodePax(recs);
    expect(m.get('path')?.toString()).toBe('ä');
    expect(m.get('linkpath')?.toString()).toBe('a/b');
  });
  it.each([
    ['length past the end', '99 path=x\n'],
    ['no newline', '10 path=xy'],
    ['no equals sign', '9 pathx\n'],
    ['not a number', 'ab path=x\n'],
  ])('refuses %s', (_what, text) => expect(() => decodePax(Buffer.from(text))).toThrow(LayerFormatError));
});

describe('decodeHeader', () => {
  it('decodes a ustar file header written by the builder', () => {
    const tar = tarBuffer([{ name: 'bin/su', type: 'file', mode: 0o4755, uid: 33, gid: 44, data: Buffer.from('x'), mtime: 1234 }]);
    const h = decodeHeader(tar.subarray(0, 512));
    expect(h).toEqual({ kind: 'entry', type: 'file', fields: { name: 'bin/su', linkname: '', mode: 0o4755, uid: 33, gid: 44, size: 1, mtime: 1234, devmajor: 0, devminor: 0 } });
  });
  it('reads devices and a PAX header with a long name and binary xattr', () => {
    const name = 'd/' + 'n'.repeat(140);
    const tar = tarBuffer([{ name, type: 'char', mode: 0o666, devmajor: 1, devminor: 3, xattrs: { 'security.capability': CAP } }]);
    const pax = decodeHeader(tar.subarray(0, 512));
    expect(pax).toEqual({ kind: 'pax', size: expect.any(Number) });
    const size = (pax as { size: number }).size;
    const entryBlock = tar.subarray(512 + Math.ceil(size / 512) * 512);
    const raw = decodeHeader(entryBlock.subarray(0, 512));
    if (raw.kind !== 'entry') throw new Error('want entry');
    const h = resolveHeader(raw, decodePax(tar.subarray(512, 512 + size)), null, null);
    expect(h).toMatchObject({ name, type: 'char', devmajor: 1, devminor: 3, mode: 0o666 });
    expect(h.xattrs.get('security.capability')).toEqual(CAP);
  });
  it('decodes GNU base-256 numbers', () => {
    const block = Buffer.from(tarBuffer([{ name: 'f', type: 'file', mode: 0o644 }]).subarray(0, 512));
    block.fill(0, 108, 116);
    block[108] = 0x80;
    block.writeUInt32BE(3_000_000, 112); // uid beyond 7 octal digits
    rewriteChecksum(block);
    const h = decodeHeader(block);
    expect(h.kind === 'entry' && h.fields.uid).toBe(3_000_000);
  });
  it('refuses a corrupt checksum', () => {
    const block = Buffer.from(tarBuffer([{ name: 'f', type: 'file', mode: 0o644 }]).subarray(0, 512));
    block[0] = 'g'.charCodeAt(0);
    expect(() => decodeHeader(block)).toThrow(LayerFormatError);
  });
  it('refuses GNU sparse entries', () => {
    const block = Buffer.from(tarBuffer([{ name: 'f', type: 'file', mode: 0o644 }]).subarray(0, 512));
    block.write('S', 156, 'latin1');
    rewriteChecksum(block);
    expect(() => decodeHeader(block)).toThrow('unsupported tar entry type');
  });
});

function rewriteChecksum(b: Buffer): void {
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of b) sum += byte;
  b.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'latin1');
}
