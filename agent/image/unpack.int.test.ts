// Unpacking real layers into real directories (as root): every entry kind, whiteouts,
// truncated and hostile tarballs, limits.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import { tarBuffer, type TarEntrySpec } from '../../scripts/images/tar-writer';
import { LayerFormatError, LayerLimitError, UnsafeLayerError, unpackLayer, type UnpackLimits } from './unpack';

jest.setTimeout(60_000);

const CAP = Buffer.from('0100000280000000000000000000000000000000', 'hex');
const GZ = 'application/vnd.oci.image.layer.v1.tar+gzip';
const TAR = 'application/vnd.oci.image.layer.v1.tar';

let work: string;
let n = 0;
beforeAll(() => (work = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-unpack-'))));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** A fresh target inside a parent whose sibling `outside/` must stay empty. */
function fresh(): { target: string; outside: string } {
  const parent = path.join(work, `case-${++n}`);
  const target = path.join(parent, 'target');
  const outside = path.join(parent, 'outside');
  fs.mkdirSync(target, { recursive: true });
  fs.mkdirSync(outside);
  return { target, outside };
}

function unpack(bytes: Buffer, target: string, mediaType = TAR, limits?: UnpackLimits): ReturnType<typeof unpackLayer> {
  return unpackLayer(Readable.from(chunked(bytes, 1000)), { mediaType, target, limits });
}

function* chunked(b: Buffer, size: number): Generator<Buffer> {
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}

const sha = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const getXattr = (p: string, name: string): string => execFileSync('getfattr', ['-h', '--only-values', '-e', 'hex', '-n', name, p]).toString('hex');

const rich: TarEntrySpec[] = [
  { name: './', type: 'dir', mode: 0o755, mtime: 1111 },
  { name: 'bin', type: 'dir', mode: 0o755, mtime: 2222 },
  { name: 'bin/ping', type: 'file', mode: 0o4755, uid: 0, gid: 0, mtime: 3333, data: Buffer.from('ping'), xattrs: { 'security.capability': CAP, 'user.t': Buffer.from('v') } },
  { name: 'bin/sg', type: 'file', mode: 0o2711, gid: 50, data: Buffer.from('sg') },
  { name: 'bin/sh', type: 'symlink', mode: 0o777, uid: 7, gid: 8, linkname: '/bin/busybox', mtime: 4444 },
  { name: 'bin/hard', type: 'hardlink', mode: 0o4755, linkname: 'bin/ping' },
  { name: 'dev', type: 'dir', mode: 0o755 },
  { name: 'dev/null', type: 'char', mode: 0o666, devmajor: 1, devminor: 3 },
  { name: 'dev/loop7', type: 'block', mode: 0o660, gid: 6, devmajor: 7, devminor: 7 },
  { name: 'dev/fifo', type: 'fifo', mode: 0o620, uid: 1000, gid: 1001 },
  { name: 'tmp', type: 'dir', mode: 0o1777, mtime: 5555 },
  { name: 'home/u/' + 'x'.repeat(140), type: 'file', mode: 0o600, uid: 1000, gid: 1000, data: Buffer.alloc(70000, 7) },
  { name: 'home/日本語 ñ.txt', type: 'file', mode: 0o644, uid: 100000, gid: 100000, data: Buffer.from('u') },
];

describe('unpackLayer', () => {
  it('keeps every entry kind with modes, owners, times, xattrs and names; diffId is the tar digest', async () => {
    const tar = tarBuffer(rich);
    for (const [mediaType, bytes] of [
      [TAR, tar],
      [GZ, zlib.gzipSync(tar)],
      ['application/vnd.oci.image.layer.v1.tar+zstd', execFileSync('zstd', ['-q', '-c'], { input: tar })],
      ['application/octet-stream', zlib.gzipSync(tar)],
    ] as Array<[string, Buffer]>) {
      const { target } = fresh();
      const res = await unpack(bytes, target, mediaType);
      expect(res).toEqual({ diffId: sha(tar), entries: rich.length, bytes: tar.length });
      const st = (p: string): fs.Stats => fs.lstatSync(path.join(target, p));
      expect(st('.').mode & 0o7777).toBe(0o755);
      expect(st('.').mtimeMs).toBe(1111000);
      expect(st('bin').mtimeMs).toBe(2222000);
      expect(st('bin/ping')).toMatchObject({ mode: 0o104755, uid: 0, mtimeMs: 3333000, nlink: 2 });
      expect(st('bin/hard').ino).toBe(st('bin/ping').ino);
      expect(getXattr(path.join(target, 'bin/ping'), 'security.capability')).toBe(CAP.toString('hex'));
      expect(st('bin/sg')).toMatchObject({ mode: 0o102711, gid: 50 });
      expect(fs.readlinkSync(path.join(target, 'bin/sh'))).toBe('/bin/busybox');
      expect(st('bin/sh')).toMatchObject({ uid: 7, gid: 8, mtimeMs: 4444000 });
      expect(st('dev/null').isCharacterDevice()).toBe(true);
      expect(st('dev/null').rdev).toBe(fs.statSync('/dev/null').rdev);
      expect(st('dev/null').mode & 0o7777).toBe(0o666);
      expect(st('dev/loop7').isBlockDevice()).toBe(true);
      expect(st('dev/fifo')).toMatchObject({ mode: 0o10620, uid: 1000, gid: 1001 });
      expect(st('tmp')).toMatchObject({ mode: 0o41777, mtimeMs: 5555000 });
      expect(fs.readFileSync(path.join(target, 'home/u/' + 'x'.repeat(140)))).toEqual(Buffer.alloc(70000, 7));
      expect(st('home/日本語 ñ.txt')).toMatchObject({ uid: 100000, gid: 100000 });
      expect(st('home').mode & 0o7777).toBe(0o755); // implicit parent
    }
  });

  it('reads tar written by GNU tar in pax format, binary xattrs included', async () => {
    const { target } = fresh();
    const src = path.join(path.dirname(target), 'src');
    fs.mkdirSync(path.join(src, 'd'), { recursive: true });
    fs.writeFileSync(path.join(src, 'd', 'cap'), 'c');
    execFileSync('setfattr', ['-n', 'security.capability', '-v', `0x${CAP.toString('hex')}`, path.join(src, 'd', 'cap')]);
    fs.writeFileSync(path.join(src, 'd', 'é'.repeat(60)), 'long unicode');
    const tar = execFileSync('tar', ['--xattrs', '--xattrs-include=*', '--format=posix', '-C', src, '-cf', '-', '.']);
    await unpack(tar, target);
    expect(getXattr(path.join(target, 'd/cap'), 'security.capability')).toBe(CAP.toString('hex'));
    expect(fs.readFileSync(path.join(target, 'd', 'é'.repeat(60)), 'utf8')).toBe('long unicode');
  });

  it('turns whiteouts into overlay whiteouts and marks opaque directories wherever the marker stands', async () => {
    const { target } = fresh();
    const tar = tarBuffer([
      { name: 'etc', type: 'dir', mode: 0o755 },
      { name: 'etc/.wh.passwd', type: 'file', mode: 0o644 },
      { name: 'opq', type: 'dir', mode: 0o755 },
      { name: 'opq/early', type: 'file', mode: 0o644, data: Buffer.from('kept') },
      { name: 'opq/.wh..wh..opq', type: 'file', mode: 0o644 },
      { name: 'opq/late', type: 'file', mode: 0o644 },
      { name: 'implicit/.wh..wh..opq', type: 'file', mode: 0o644 },
      { name: '.wh..wh.plnk', type: 'dir', mode: 0o700 },
      { name: 'x', type: 'file', mode: 0o644, xattrs: { 'trusted.overlay.opaque': Buffer.from('y') } },
    ]);
    await unpack(tar, target);
    const wh = fs.lstatSync(path.join(target, 'etc/passwd'));
    expect(wh.isCharacterDevice() && wh.rdev === 0).toBe(true);
    expect(getXattr(path.join(target, 'opq'), 'trusted.overlay.opaque')).toBe(Buffer.from('y').toString('hex'));
    expect(fs.readdirSync(path.join(target, 'opq')).sort()).toEqual(['early', 'late']);
    expect(getXattr(path.join(target, 'implicit'), 'trusted.overlay.opaque')).toBe('79');
    expect(fs.existsSync(path.join(target, '.wh..wh.plnk'))).toBe(false);
    expect(() => getXattr(path.join(target, 'x'), 'trusted.overlay.opaque')).toThrow(); // a layer cannot set overlay's own xattrs
  });

  describe('end of archive', () => {
    const entries: TarEntrySpec[] = [
      { name: 'a', type: 'file', mode: 0o644, data: Buffer.alloc(700, 1) },
      { name: 'b', type: 'file', mode: 0o644, data: Buffer.alloc(10, 2) },
    ];
    it('accepts a layer without end blocks when the last entry is whole', async () => {
      const { target } = fresh();
      const tar = tarBuffer(entries, { endBlocks: false });
      const res = await unpack(zlib.gzipSync(tar), target, GZ);
      expect(res.diffId).toBe(sha(tar));
      expect(fs.readFileSync(path.join(target, 'b'))).toEqual(Buffer.alloc(10, 2));
    });
    const full = tarBuffer(entries, { endBlocks: false });
    it.each([
      ['inside the last file', full.length - 512 + 5],
      ['right after the last header', full.length - 512],
      ['inside a header', 512 + 1024 + 100],
      ['inside the first file', 600],
      ['inside the last file padding', full.length - 100],
    ])('fails when cut %s', async (_what, cut) => {
      const { target } = fresh();
      await expect(unpack(zlib.gzipSync(full.subarray(0, cut)), target, GZ)).rejects.toThrow(LayerFormatError);
    });
    it('fails on bytes that are not a tar', async () => {
      const { target } = fresh();
      await expect(unpack(Buffer.alloc(2048, 0x41), target)).rejects.toThrow(LayerFormatError);
    });
  });

  describe('hostile layers', () => {
    const cases: Array<[string, TarEntrySpec[]]> = [
      ['a ../ name', [{ name: '../outside/evil', type: 'file', mode: 0o644, data: Buffer.from('x') }]],
      ['a nested ../ name', [{ name: 'a/../../outside/evil', type: 'file', mode: 0o644, data: Buffer.from('x') }]],
      ['an absolute name', [{ name: '/tmp/berth-unpack-absolute-evil', type: 'file', mode: 0o644, data: Buffer.from('x') }]],
      ['a file through a symlinked parent', [
        { name: 'lnk', type: 'symlink', mode: 0o777, linkname: '../outside' },
        { name: 'lnk/evil', type: 'file', mode: 0o644, data: Buffer.from('x') },
      ]],
      ['a directory through a symlinked parent', [
        { name: 'lnk', type: 'symlink', mode: 0o777, linkname: '../outside' },
        { name: 'lnk/evil', type: 'dir', mode: 0o755 },
      ]],
      ['a whiteout through a symlinked parent', [
        { name: 'lnk', type: 'symlink', mode: 0o777, linkname: '../outside' },
        { name: 'lnk/.wh.evil', type: 'file', mode: 0o644 },
      ]],
      ['an opaque marker through a symlinked dir', [
        { name: 'lnk', type: 'symlink', mode: 0o777, linkname: '../outside' },
        { name: 'lnk/.wh..wh..opq', type: 'file', mode: 0o644 },
      ]],
      ['a symlink parent deep in the path', [
        { name: 'a', type: 'dir', mode: 0o755 },
        { name: 'a/up', type: 'symlink', mode: 0o777, linkname: '../..' },
        { name: 'a/up/outside/evil', type: 'file', mode: 0o644, data: Buffer.from('x') },
      ]],
      ['a hardlink to ../', [{ name: 'h', type: 'hardlink', mode: 0o644, linkname: '../outside/victim' }]],
      ['a hardlink to an absolute path', [{ name: 'h', type: 'hardlink', mode: 0o644, linkname: '/etc/passwd' }]],
      ['a hardlink through a symlink', [
        { name: 'lnk', type: 'symlink', mode: 0o777, linkname: '../outside' },
        { name: 'h', type: 'hardlink', mode: 0o644, linkname: 'lnk/victim' },
      ]],
    ];
    it.each(cases)('refuses %s and writes nothing outside', async (_what, entries) => {
      const { target, outside } = fresh();
      fs.writeFileSync(path.join(outside, 'victim'), 'victim');
      const err = await unpack(tarBuffer(entries), target).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UnsafeLayerError);
      expect(fs.readdirSync(outside)).toEqual(['victim']);
      expect(fs.statSync(path.join(outside, 'victim')).nlink).toBe(1);
      expect(fs.existsSync('/tmp/berth-unpack-absolute-evil')).toBe(false);
    });
    it('says which entry escapes', async () => {
      const { target } = fresh();
      await expect(unpack(tarBuffer([{ name: '../x', type: 'file', mode: 0o644 }]), target)).rejects.toThrow('entry ../x escapes the layer root');
    });
    it('keeps symlinks pointing anywhere as data, without following them', async () => {
      const { target, outside } = fresh();
      await unpack(tarBuffer([{ name: 'etc', type: 'symlink', mode: 0o777, linkname: '../outside' }]), target);
      expect(fs.readlinkSync(path.join(target, 'etc'))).toBe('../outside');
      expect(fs.readdirSync(outside)).toEqual([]);
    });
  });

  describe('limits', () => {
    const bomb = zlib.gzipSync(tarBuffer([{ name: 'zeros', type: 'file', mode: 0o644, data: Buffer.alloc(8 << 20) }]));
    it.each([
      ['total bytes', bomb, { maxBytes: 1 << 20 }],
      ['file size', bomb, { maxFileSize: 1 << 20 }],
      ['entry count', zlib.gzipSync(tarBuffer(Array.from({ length: 20 }, (_, i): TarEntrySpec => ({ name: `f${i}`, type: 'file', mode: 0o644 })))), { maxEntries: 10 }],
      ['path length', zlib.gzipSync(tarBuffer([{ name: 'p'.repeat(300), type: 'file', mode: 0o644 }])), { maxPathLength: 200 }],
    ])('stops at the %s limit', async (_what, bytes, limits: UnpackLimits) => {
      const { target } = fresh();
      await expect(unpack(bytes, target, GZ, limits)).rejects.toThrow(LayerLimitError);
    });
    it('stops a bomb early without inflating it all', async () => {
      const { target } = fresh();
      await expect(unpack(bomb, target, GZ, { maxBytes: 1 << 20 })).rejects.toThrow(LayerLimitError);
      expect(fs.existsSync(path.join(target, 'zeros')) ? fs.statSync(path.join(target, 'zeros')).size : 0).toBeLessThanOrEqual(1 << 20);
    });
  });

  it('fails with the source error when the download breaks mid-layer', async () => {
    const { target } = fresh();
    const gz = zlib.gzipSync(tarBuffer([{ name: 'big', type: 'file', mode: 0o644, data: Buffer.alloc(1 << 20, 3) }]));
    async function* broken(): AsyncGenerator<Buffer> {
      yield gz.subarray(0, gz.length / 2);
      throw new Error('connection reset');
    }
    await expect(unpackLayer(Readable.from(broken()), { mediaType: GZ, target })).rejects.toThrow('connection reset');
  });

  it('fails with the source error when a zstd download breaks mid-layer', async () => {
    const { target } = fresh();
    const zst = execFileSync('zstd', ['-q', '-c'], { input: tarBuffer([{ name: 'big', type: 'file', mode: 0o644, data: Buffer.alloc(1 << 20, 3) }]) });
    async function* broken(): AsyncGenerator<Buffer> {
      yield zst.subarray(0, zst.length / 2);
      throw new Error('connection reset');
    }
    await expect(unpackLayer(Readable.from(broken()), { mediaType: 'application/vnd.oci.image.layer.v1.tar+zstd', target })).rejects.toThrow('connection reset');
  });
});
