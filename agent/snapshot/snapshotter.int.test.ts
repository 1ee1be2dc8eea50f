// Snapshots and overlay rootfs of the project's test images on the real kernel (as root),
// checked file by file against `umoci unpack` of the same OCI layout.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import { buildTestImages, type BuiltImage, type BuiltImages } from '../../scripts/images/build';
import { LayoutWriter, type LayerDescriptor } from '../../scripts/images/oci-layout';
import { LayerFormatError, unpackLayer } from '../image/unpack';
import { chainIds } from './chain-id';
import { SnapshotInUseError, Snapshotter } from './snapshotter';
import { captureTree, diffTrees } from './testing/rootfs-tree';

jest.setTimeout(120_000);

let work: string;
let built: BuiltImages;
let snap: Snapshotter;
const mounted: Array<{ id: string; target: string }> = [];

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-snap-'));
  built = await buildTestImages(path.join(work, 'images'));
  snap = new Snapshotter(path.join(work, 'store'));
});

afterAll(async () => {
  for (const m of mounted.reverse()) await snap.unmountRootfs(m.id, m.target).catch(() => undefined);
  fs.rmSync(work, { recursive: true, force: true });
});

const blobPath = (digest: string): string => path.join(built.layout, 'blobs', 'sha256', digest.slice('sha256:'.length));

/** Unpacks an image's layers into snapshots, as the puller does; returns the chain IDs. */
async function importImage(s: Snapshotter, img: BuiltImage): Promise<string[]> {
  const chain = chainIds(img.layers.map((l) => l.diffId));
  for (const [i, layer] of img.layers.entries()) {
    await s.prepare(chain[i], async (dir) => {
      const res = await unpackLayer(fs.createReadStream(blobPath(layer.digest)), { mediaType: layer.mediaType, target: dir });
      expect(res.diffId).toBe(layer.diffId);
    });
  }
  return chain;
}

async function mount(chain: string[], id: string, opts: { readOnly?: boolean } = {}): Promise<string> {
  const target = path.join(work, 'mnt', id);
  fs.mkdirSync(target, { recursive: true });
  await snap.mountRootfs(chain, id, target, opts);
  mounted.push({ id, target });
  return target;
}

/**
 * umoci 0.4.7 cannot read zstd layers: give it the same image with that layer gzipped (same
 * diff IDs, same config), so the comparison covers the uncompressed content.
 */
async function umociCompatible(img: BuiltImage): Promise<string> {
  if (!img.layers.some((l) => l.mediaType.endsWith('+zstd'))) return img.ref;
  const layers: LayerDescriptor[] = [];
  const w = new LayoutWriter(built.layout);
  for (const l of img.layers) {
    if (!l.mediaType.endsWith('+zstd')) {
      layers.push(l);
      continue;
    }
    const gz = zlib.gzipSync(execFileSync('zstd', ['-q', '-d', '-c', blobPath(l.digest)]));
    layers.push({ ...w.addBytes('application/vnd.oci.image.layer.v1.tar+gzip', gz), diffId: l.diffId });
  }
  const ref = `${img.ref}-gzip`;
  w.addImage(ref, layers, img.run);
  w.finish();
  return ref;
}

describe('rootfs of each test image matches umoci unpack', () => {
  it.each(['base', 'app', 'whiteouts', 'hello1', 'torture'] as const)('%s', async (name) => {
    const img = built.images[name];
    const chain = await importImage(snap, img);
    const target = await mount(chain, `cmp-${name}`, { readOnly: true });
    const bundle = path.join(work, 'umoci', name);
    const res = spawnSync('umoci', ['unpack', '--image', `${built.layout}:${await umociCompatible(img)}`, bundle], { encoding: 'utf8' });
    expect(res.stderr).not.toContain('⨯');
    expect(res.status).toBe(0);
    const want = captureTree(path.join(bundle, 'rootfs'));
    const got = captureTree(target);
    expect(diffTrees(want, got)).toEqual([]);
    expect(got.size).toBeGreaterThan(200);
    if (name === 'whiteouts') {
      expect(got.has('bin/vi')).toBe(false);
      expect(got.has('data/gone')).toBe(false);
      expect([...got.keys()].filter((p) => p.startsWith('opq/'))).toEqual(['opq/new']);
    }
    if (name === 'torture') {
      expect(chain).toHaveLength(50);
      expect(got.get('caps/ping')?.xattrs?.['security.capability']).toBe('0x0100000280000000000000000000000000000000');
    }
  });
});

describe('containers', () => {
  it('two containers of one image share the lower inodes and each writes only to its own upper', async () => {
    const chain = await importImage(snap, built.images.torture);
    const a = await mount(chain, 'share-a');
    const b = await mount(chain, 'share-b');
    expect(fs.statSync(path.join(a, 'bin/busybox')).ino).toBe(fs.statSync(path.join(b, 'bin/busybox')).ino);
    expect(fs.statSync(path.join(a, 'bin/busybox')).ino).toBe(fs.statSync(path.join(snap.path(chain[0]), 'bin/busybox')).ino);
    fs.writeFileSync(path.join(a, 'new-in-a'), 'a');
    fs.writeFileSync(path.join(a, 'layers/49'), 'changed by a');
    fs.rmSync(path.join(a, 'layers/48'));
    expect(fs.existsSync(path.join(b, 'new-in-a'))).toBe(false);
    expect(fs.readFileSync(path.join(b, 'layers/49'), 'utf8')).toBe('layer 49\n');
    expect(fs.existsSync(path.join(b, 'layers/48'))).toBe(true);
    expect(fs.readFileSync(path.join(snap.path(chain[48]), 'layers/49'), 'utf8')).toBe('layer 49\n');
    const upperA = path.join(snap.root, 'containers', 'share-a', 'upper');
    expect(fs.readdirSync(upperA).sort()).toEqual(['layers', 'new-in-a']);
    expect(fs.readdirSync(path.join(snap.root, 'containers', 'share-b', 'upper'))).toEqual([]);
  });

  it('refuses to remove a snapshot in use; unmount removes the upper; then remove works', async () => {
    const chain = await importImage(snap, built.images.app);
    const target = await mount(chain, 'rm-test');
    fs.writeFileSync(path.join(target, 'scratch'), 'x');
    await expect(snap.remove(chain[2])).rejects.toThrow(SnapshotInUseError);
    await snap.unmountRootfs('rm-test', target);
    expect(fs.existsSync(path.join(snap.root, 'containers', 'rm-test'))).toBe(false);
    expect(fs.readdirSync(target)).toEqual([]);
    await snap.unmountRootfs('rm-test', target); // idempotent
    const cmp = mounted.find((m) => m.id === 'cmp-app');
    if (cmp) await snap.unmountRootfs(cmp.id, cmp.target); // the comparison above mounted app too
    const dir = snap.path(chain[2]);
    await snap.remove(chain[2]);
    expect(snap.has(chain[2])).toBe(false);
    expect(fs.existsSync(dir)).toBe(false);
    expect(await snap.list()).not.toContain(chain[2]);
    expect(await snap.list()).toContain(chain[1]);
  });

  it('mounts a single-layer image read-only as a bind mount', async () => {
    const img = built.images.base;
    const chain = await importImage(snap, img);
    const target = await mount(chain.slice(0, 1), 'single-ro', { readOnly: true });
    expect(fs.existsSync(path.join(target, 'bin/busybox'))).toBe(true);
    expect(() => fs.writeFileSync(path.join(target, 'x'), 'x')).toThrow(/EROFS/);
  });
});

describe('prepare', () => {
  it('a failed unpack leaves no trusted snapshot and no files', async () => {
    const s = new Snapshotter(path.join(work, 'crash'));
    const layer = built.images.base.layers[0];
    const [chain] = chainIds([layer.diffId]);
    const blob = fs.readFileSync(blobPath(layer.digest));
    const cut = Readable.from([blob.subarray(0, blob.length / 2)]);
    await expect(s.prepare(chain, (dir) => unpackLayer(cut, { mediaType: layer.mediaType, target: dir }).then(() => undefined))).rejects.toThrow();
    expect(s.has(chain)).toBe(false);
    expect(fs.readdirSync(path.join(s.root, 'snapshots'))).toEqual(['by-chain']);
    const again = await s.prepare(chain, (dir) => unpackLayer(fs.createReadStream(blobPath(layer.digest)), { mediaType: layer.mediaType, target: dir }).then(() => undefined));
    expect(fs.existsSync(path.join(again, 'bin/busybox'))).toBe(true);
  });

  it('a process killed mid-fill leaves a dir that the next start deletes', async () => {
    const root = path.join(work, 'killed');
    const s = new Snapshotter(root);
    const dead = spawnSync('true').pid as number; // a pid that no longer runs
    fs.mkdirSync(path.join(root, 'snapshots', '7', 'fs', 'half'), { recursive: true });
    fs.writeFileSync(path.join(root, 'snapshots', '7', 'owner'), String(dead));
    expect(await s.list()).toEqual([]);
    const restarted = new Snapshotter(root);
    expect(fs.existsSync(path.join(root, 'snapshots', '7'))).toBe(false);
    expect(await restarted.list()).toEqual([]);
  });

  it('runs one fill for concurrent prepares of one chain ID', async () => {
    const s = new Snapshotter(path.join(work, 'single-flight'));
    const chain = chainIds([`sha256:${'a'.repeat(64)}`])[0];
    let fills = 0;
    const fill = async (dir: string): Promise<void> => {
      fills++;
      await new Promise((r) => setTimeout(r, 20));
      fs.writeFileSync(path.join(dir, 'f'), 'x');
    };
    const paths = await Promise.all([s.prepare(chain, fill), s.prepare(chain, fill), s.prepare(chain, fill)]);
    expect(fills).toBe(1);
    expect(new Set(paths).size).toBe(1);
    expect(await s.prepare(chain, fill)).toBe(paths[0]);
    expect(fills).toBe(1);
  });

  it('rejects a layer format error from fill as it is', async () => {
    const s = new Snapshotter(path.join(work, 'format'));
    const chain = chainIds([`sha256:${'b'.repeat(64)}`])[0];
    await expect(s.prepare(chain, (dir) => unpackLayer(Readable.from([Buffer.alloc(1024, 1)]), { mediaType: 'application/vnd.oci.image.layer.v1.tar', target: dir }).then(() => undefined))).rejects.toThrow(LayerFormatError);
  });
});
