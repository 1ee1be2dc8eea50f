import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseReference } from '../../lib/image/reference';
import { ImageStore, type ImageRecord } from './image-store';

const digest = (c: string) => `sha256:${c.repeat(64)}`;
const record = (c: string): ImageRecord => ({
  names: [],
  digest: digest(c),
  manifestDigest: digest(c),
  configDigest: digest('c'),
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  platform: 'linux/amd64',
  layers: [],
  config: {},
  sizeBytes: 1,
  pulledAt: new Date(0).toISOString(),
});

/** Sets the images directory's mtime back, as if it had not changed for a while. */
const LONG_AGO = new Date(Date.now() - 60_000);
const settle = (root: string) => fs.utimesSync(path.join(root, 'images'), LONG_AGO, LONG_AGO);

describe('ImageStore record cache', () => {
  let root: string;
  beforeEach(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-images-'))));
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  test('a settled directory is read once; a change by another store object is seen', async () => {
    const a = new ImageStore(root);
    await a.save(record('a'), parseReference('busybox:1'));
    settle(root);
    expect((await a.find('busybox:1'))?.manifestDigest).toBe(digest('a'));
    // Edited behind the cache's back without touching the directory: the cache answers.
    const file = path.join(root, 'images', `${'a'.repeat(64)}.json`);
    fs.writeFileSync(file, JSON.stringify({ ...record('a'), names: ['docker.io/library/other:1'] }));
    settle(root);
    expect((await a.find('busybox:1'))?.manifestDigest).toBe(digest('a'));
    // A real change (another process's save renames a file in): read again.
    await new ImageStore(root).save(record('b'), parseReference('busybox:2'));
    expect((await a.find('busybox:2'))?.manifestDigest).toBe(digest('b'));
    await new ImageStore(root).remove('busybox:2');
    expect(await a.find('busybox:2')).toBeUndefined();
  });

  test('a directory that has just changed is not trusted', async () => {
    const a = new ImageStore(root);
    await a.save(record('a'), parseReference('busybox:1'));
    expect((await a.list()).length).toBe(1);
    // Same mtime tick: an in-place edit is still seen because nothing was cached.
    const file = path.join(root, 'images', `${'a'.repeat(64)}.json`);
    const st = fs.statSync(path.join(root, 'images'));
    fs.writeFileSync(file, JSON.stringify({ ...record('a'), names: ['docker.io/library/busybox:3'] }));
    fs.utimesSync(path.join(root, 'images'), st.atime, st.mtime);
    expect((await a.find('busybox:3'))?.manifestDigest).toBe(digest('a'));
  });
});
