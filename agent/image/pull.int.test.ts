import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { AuthError, DigestMismatchError, ManifestUnknownError } from '../../lib/image/errors';
import { parseReference } from '../../lib/image/reference';
import { RegistryClient } from '../../lib/image/registry-client';
import { parsePlatform } from '../../lib/image/platform';
import { parseRegistryConfig } from '../../lib/image/registry-config';
import { startRegistry, type RegistryServer } from '../../lib/servers/registry';
import { buildTestImages, type BuiltImages } from '../../scripts/images/build';
import { Snapshotter } from '../snapshot/snapshotter';
import { ContentStore } from './content-store';
import { ImageStore } from './image-store';
import { Puller } from './puller';
import { collectGarbage } from './gc';

jest.setTimeout(120_000);

let tmp: string;
let registry: RegistryServer;
let built: BuiltImages;
const servers: http.Server[] = [];

interface Seen {
  method: string;
  url: string;
  range?: string;
}

/**
 * A proxy in front of the registry: records requests, and optionally corrupts one blob or
 * demands a bearer token (issued by its own /token endpoint).
 */
async function startProxy(opts: { corruptDigest?: string; requireToken?: boolean; refuseToken?: boolean }): Promise<{ address: string; seen: Seen[]; tokens: number }> {
  const state = { address: '', seen: [] as Seen[], tokens: 0 };
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    if (url.startsWith('/token')) {
      state.tokens++;
      if (opts.refuseToken) {
        res.statusCode = 401;
        res.end();
        return;
      }
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ token: 'good-token', expires_in: 300 }));
      return;
    }
    if (opts.requireToken && url !== '/v2/' && req.headers.authorization !== 'Bearer good-token') {
      const repo = /^\/v2\/(.+)\/(manifests|blobs)\//.exec(url)?.[1] ?? '';
      res.statusCode = 401;
      res.setHeader('WWW-Authenticate', `Bearer realm="http://${state.address}/token",service="test",scope="repository:${repo}:pull"`);
      res.end('{"errors":[{"code":"UNAUTHORIZED"}]}');
      return;
    }
    state.seen.push({ method: req.method ?? 'GET', url, range: req.headers.range });
    const headers = { ...req.headers };
    delete headers.authorization;
    const up = http.request({ host: '127.0.0.1', port: Number(registry.address.split(':')[1]), path: url, method: req.method, headers }, (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      let first = true;
      upRes.on('data', (chunk: Buffer) => {
        if (first && opts.corruptDigest && url.endsWith(`/blobs/${opts.corruptDigest}`)) chunk[0] ^= 0xff;
        first = false;
        res.write(chunk);
      });
      upRes.on('end', () => res.end());
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.address = `127.0.0.1:${(server.address() as { port: number }).port}`;
  return state;
}

function push(image: { ref: string }, repoTag: string, extra: string[] = []): void {
  execFileSync('skopeo', ['copy', '-q', '--dest-tls-verify=false', ...extra, `oci:${built.layout}:${image.ref}`, `docker://${registry.address}/${repoTag}`], { stdio: 'pipe' });
}

function node(root: string, client: RegistryClient): { puller: Puller; content: ContentStore; snapshots: Snapshotter; images: ImageStore } {
  const content = new ContentStore(path.join(root, 'content'), { fsync: false });
  const snapshots = new Snapshotter(path.join(root, 'snapshots'));
  const images = new ImageStore(root);
  return { puller: new Puller({ client, content, snapshots, images }), content, snapshots, images };
}

const blobGets = (seen: Seen[]): string[] => seen.filter((s) => s.method === 'GET' && s.url.includes('/blobs/')).map((s) => s.url.replace(/^.*\/blobs\//, ''));

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-pull-'));
  built = await buildTestImages(path.join(tmp, 'images'));
  registry = await startRegistry({ dir: path.join(tmp, 'registry'), logFile: path.join(tmp, 'registry.log') });
  push(built.images.base, 'base:latest');
  push(built.images.app, 'app:latest');
  push(built.images.app, 'app-docker:latest', ['--format', 'v2s2']);
  push(built.images.multi, 'multi:latest', ['--all']);
});

afterAll(async () => {
  for (const s of servers) s.closeAllConnections?.();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  await registry?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('pulling A then B fetches only B\'s new layers; GC keeps what images use', async () => {
  const proxy = await startProxy({});
  const n = node(path.join(tmp, 'n1'), new RegistryClient());
  const a = await n.puller.pull(parseReference(`${proxy.address}/base:latest`));
  expect(a.layersExisting).toBe(0);
  expect(a.record.layers.map((l) => l.digest)).toEqual(built.images.base.layers.map((l) => l.digest));
  for (const l of a.record.layers) {
    expect(n.snapshots.has(l.chainId)).toBe(true);
    expect(`sha256:${createHash('sha256').update(fs.readFileSync(n.content.path(l.digest))).digest('hex')}`).toBe(l.digest);
  }
  expect(fs.readFileSync(path.join(n.snapshots.path(a.record.layers[0].chainId), 'bin', 'busybox')).length).toBeGreaterThan(100_000);

  proxy.seen.length = 0;
  const b = await n.puller.pull(parseReference(`${proxy.address}/app:latest`));
  const appLayers = built.images.app.layers.map((l) => l.digest);
  const newLayers = appLayers.filter((d) => !built.images.base.layers.some((l) => l.digest === d));
  expect(newLayers.length).toBe(1);
  expect(b.layersExisting).toBe(appLayers.length - 1);
  expect(b.bytesFetched).toBe(built.images.app.layers.find((l) => l.digest === newLayers[0])!.size);
  // blob GETs: B's config and its one new layer, nothing else
  expect(blobGets(proxy.seen).sort()).toEqual([b.record.configDigest, newLayers[0]].sort());
  expect(b.record.config.User).toBe('www');
  expect(b.record.config.WorkingDir).toBe('/app');

  // GC with both images: nothing to delete; after removing B, only B's own layer and config go
  expect(await collectGarbage(n.images, n.content, n.snapshots)).toEqual({ blobs: [], snapshots: [] });
  await n.images.holdImage('c1', b.record.manifestDigest);
  await expect(n.images.remove(`${proxy.address}/app:latest`)).rejects.toThrow(/in use/);
  await n.images.releaseImage('c1');
  await n.images.remove(`${proxy.address}/app:latest`);
  const gc = await collectGarbage(n.images, n.content, n.snapshots);
  expect(gc.blobs.sort()).toEqual([b.record.configDigest, b.record.manifestDigest, newLayers[0]].sort());
  expect(gc.snapshots).toEqual([b.record.layers[b.record.layers.length - 1].chainId]);
  expect(n.snapshots.has(a.record.layers[1].chainId)).toBe(true);
});

// Pods of one `:latest` image starting together each pull it (policy Always): the same
// manifest and image record are written by concurrent pulls of one process.
test('concurrent pulls of one image in one process all succeed with one record', async () => {
  const n = node(path.join(tmp, 'n-concurrent'), new RegistryClient());
  const ref = `${registry.address}/base:latest`;
  await n.puller.pull(parseReference(ref));
  const results = await Promise.allSettled(Array.from({ length: 8 }, () => n.puller.pull(parseReference(ref))));
  expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
  const digests = new Set(results.map((r) => (r.status === 'fulfilled' ? r.value.record.digest : '')));
  expect(digests.size).toBe(1);
  expect((await n.images.listImages()).length).toBe(1);
});

test('Docker v2 schema 2 and a multi-platform index pull', async () => {
  const n = node(path.join(tmp, 'n2'), new RegistryClient());
  const d = await n.puller.pull(parseReference(`${registry.address}/app-docker:latest`));
  expect(d.record.mediaType).toBe('application/vnd.docker.distribution.manifest.v2+json');
  const arm = built.images.multi.platforms.find((p) => p.platform.architecture === 'arm64')!;
  const m = await n.puller.pull(parseReference(`${registry.address}/multi:latest`), { platform: parsePlatform('linux/arm64') });
  expect(m.record.manifestDigest).toBe(arm.manifest.digest);
  expect(m.record.digest).toBe(built.images.multi.manifest.digest);
  expect(m.record.platform).toBe('linux/arm64');
});

test('a registry serving wrong bytes is caught and nothing corrupt is kept', async () => {
  const layer = built.images.base.layers[0].digest;
  const proxy = await startProxy({ corruptDigest: layer });
  const n = node(path.join(tmp, 'n3'), new RegistryClient());
  const err = await n.puller.pull(parseReference(`${proxy.address}/base:latest`)).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(DigestMismatchError);
  expect(n.content.has(layer)).toBe(false);
  expect(blobGets(proxy.seen).filter((d) => d === layer).length).toBe(2); // retried once
  // layer 0's chain id is its diff id: no snapshot of the corrupt layer, no image record
  expect(n.snapshots.has(built.images.base.layers[0].diffId)).toBe(false);
  expect(await n.images.list()).toEqual([]);
});

test('401 → token → success, and a token server that refuses is "auth failed"', async () => {
  const proxy = await startProxy({ requireToken: true });
  const n = node(path.join(tmp, 'n4'), new RegistryClient());
  const r = await n.puller.pull(parseReference(`${proxy.address}/base:latest`));
  expect(r.record.layers.length).toBe(2);
  expect(proxy.tokens).toBe(1); // cached per scope
  const refusing = await startProxy({ requireToken: true, refuseToken: true });
  await expect(new RegistryClient().resolve(parseReference(`${refusing.address}/base:latest`))).rejects.toBeInstanceOf(AuthError);
  await expect(new RegistryClient().resolve(parseReference(`${registry.address}/nope:1`))).rejects.toBeInstanceOf(ManifestUnknownError);
});

test('a pull aborted mid-layer resumes with Range and ends with a correct image', async () => {
  const proxy = await startProxy({});
  const n = node(path.join(tmp, 'n5'), new RegistryClient());
  const ac = new AbortController();
  const big = built.images.base.layers[0];
  const first = await n.puller
    .pull(parseReference(`${proxy.address}/base:latest`), {
      signal: ac.signal,
      concurrency: 1,
      onProgress: (ev) => {
        if (ev.type === 'layer' && ev.digest === big.digest && ev.current > 0 && ev.current < big.size) ac.abort();
      },
    })
    .catch((e: unknown) => e);
  expect(first).toBeInstanceOf(Error);
  expect(n.content.has(big.digest)).toBe(false);
  expect(n.content.partialSize(big.digest)).toBeGreaterThan(0);
  proxy.seen.length = 0;
  const again = await n.puller.pull(parseReference(`${proxy.address}/base:latest`));
  expect(proxy.seen.some((s) => s.url.endsWith(big.digest) && s.range?.startsWith('bytes='))).toBe(true);
  for (const l of again.record.layers) {
    expect(`sha256:${createHash('sha256').update(fs.readFileSync(n.content.path(l.digest))).digest('hex')}`).toBe(l.digest);
    expect(n.snapshots.has(l.chainId)).toBe(true);
  }
});

test('a mirror serves a registry that is not reachable', async () => {
  const config = parseRegistryConfig(`registries:\n  "registry.example.invalid:5000":\n    mirrors: ["http://${registry.address}"]\n`);
  const client = new RegistryClient({ config });
  const r = await client.resolve(parseReference('registry.example.invalid:5000/base:latest'));
  expect(r.manifest.layers.map((l) => l.digest)).toEqual(built.images.base.layers.map((l) => l.digest));
});
