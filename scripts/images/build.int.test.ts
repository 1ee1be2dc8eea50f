// The test-image builder: reproducible layouts, pushed with skopeo into a real docker-registry
// (OCI and Docker v2s2 formats, a multi-platform index), and a big benchmark image.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort, startProcess, waitForTcp, type ManagedProcess } from '../../lib/servers/process';
import { buildBigImage } from './big-image';
import { buildTestImages, type BuiltImages } from './build';
import { pushImage } from './push';

jest.setTimeout(180_000);

let work: string;
let built: BuiltImages;
let registry: ManagedProcess;
let host: string;

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-images-'));
  built = await buildTestImages(path.join(work, 'a'));
  const port = await freePort();
  host = `127.0.0.1:${port}`;
  const config = path.join(work, 'registry.yml');
  fs.writeFileSync(config, `version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: ${work}/registry\nhttp:\n  addr: ${host}\n`);
  registry = startProcess('docker-registry', ['serve', config], { logFile: path.join(work, 'registry.log') });
  await waitForTcp('127.0.0.1', port, 20_000);
});

afterAll(async () => {
  await registry?.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

const ACCEPT = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
].join(', ');

interface Manifest {
  mediaType: string;
  layers?: Array<{ mediaType: string }>;
  manifests?: Array<{ platform: { architecture: string } }>;
}

async function manifestOf(repo: string, tag: string): Promise<{ contentType: string; body: Manifest }> {
  const res = await fetch(`http://${host}/v2/${repo}/manifests/${tag}`, { headers: { Accept: ACCEPT } });
  expect(res.status).toBe(200);
  return { contentType: res.headers.get('content-type') ?? '', body: (await res.json()) as Manifest };
}

it('builds the same bytes on every run', async () => {
  const again = await buildTestImages(path.join(work, 'b'));
  const files = (dir: string): string[] => fs.readdirSync(dir, { recursive: true }).map(String).sort();
  expect(files(again.layout)).toEqual(files(built.layout));
  for (const f of files(built.layout).filter((f) => fs.statSync(path.join(built.layout, f)).isFile())) {
    expect(fs.readFileSync(path.join(again.layout, f)).equals(fs.readFileSync(path.join(built.layout, f)))).toBe(true);
  }
  expect(again.images.torture.manifest.digest).toBe(built.images.torture.manifest.digest);
});

it('shares base layers between images and has the promised torture layers', () => {
  const { base, app, hello1, hello2, torture } = built.images;
  expect(app.layers.slice(0, 2)).toEqual(base.layers);
  expect(hello2.layers.slice(0, 2)).toEqual(hello1.layers.slice(0, 2));
  expect(hello2.layers[2].digest).not.toBe(hello1.layers[2].digest);
  expect(torture.layers).toHaveLength(50);
  expect(torture.layers.filter((l) => l.mediaType.endsWith('+zstd'))).toHaveLength(1);
  expect(hello1.run.ExposedPorts).toEqual({ '8080/tcp': {} });
});

it('pushes OCI and Docker v2s2 images and a multi-platform index with skopeo', async () => {
  await pushImage(built.layout, built.images.hello1, { registry: host });
  await pushImage(built.layout, built.images.hello2, { registry: host, repo: 'hello-docker', format: 'v2s2' });
  await pushImage(built.layout, built.images.multi, { registry: host });
  const oci = await manifestOf('hello', '1.0');
  expect(oci.contentType).toBe('application/vnd.oci.image.manifest.v1+json');
  expect(oci.body.layers?.map((l) => l.mediaType)).toEqual(Array(3).fill('application/vnd.oci.image.layer.v1.tar+gzip'));
  const docker = await manifestOf('hello-docker', '2.0');
  expect(docker.contentType).toBe('application/vnd.docker.distribution.manifest.v2+json');
  expect(docker.body.layers?.[0].mediaType).toBe('application/vnd.docker.image.rootfs.diff.tar.gzip');
  const index = await manifestOf('multi', 'latest');
  expect(index.contentType).toBe('application/vnd.oci.image.index.v1+json');
  expect(index.body.manifests?.map((m) => m.platform.architecture)).toEqual(['amd64', 'arm64']);
});

it('builds big images whose version 2 shares all but the top layer', async () => {
  const v1 = await buildBigImage(path.join(work, 'big'), { layers: 3, layerMiB: 2, version: 1 });
  const v2 = await buildBigImage(path.join(work, 'big'), { layers: 3, layerMiB: 2, version: 2 });
  expect(v2.layers.slice(0, 2)).toEqual(v1.layers.slice(0, 2));
  expect(v2.layers[2].digest).not.toBe(v1.layers[2].digest);
  expect(v1.layers[0].size).toBeGreaterThan(2 << 20); // incompressible
  const again = await buildBigImage(path.join(work, 'big2'), { layers: 3, layerMiB: 2, version: 1 });
  expect(again.manifest.digest).toBe(v1.manifest.digest);
});
