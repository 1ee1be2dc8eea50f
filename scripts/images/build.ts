// Builds berth's test images offline from Debian's busybox-static, as one OCI image layout.
// Same bytes on every run (on one machine: the busybox binary is taken from the host).
//   node dist/scripts/images/build.js OUTDIR
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LayoutWriter, type Descriptor, type ImageResult, type LayerDescriptor, type Platform, type RunConfig } from './oci-layout';
import type { TarEntrySpec } from './tar-writer';

export const BUSYBOX = '/bin/busybox';

export interface BuiltImage {
  /** repository and tag to push as, e.g. hello / 1.0 */
  repo: string;
  tag: string;
  /** the image's name inside the layout (oci:LAYOUT:REF) */
  ref: string;
  /** the manifest (or, for an index, the index) descriptor */
  manifest: Descriptor;
  /** bottom to top; empty for an index */
  layers: LayerDescriptor[];
  run: RunConfig;
}

export interface BuiltImages {
  /** the OCI layout directory holding every image */
  layout: string;
  images: {
    base: BuiltImage;
    app: BuiltImage;
    whiteouts: BuiltImage;
    hello1: BuiltImage;
    hello2: BuiltImage;
    hello3: BuiltImage;
    multi: BuiltImage & { platforms: Array<{ platform: Platform; manifest: Descriptor }> };
    torture: BuiltImage;
  };
}

const PATH_ENV = 'PATH=/usr/sbin:/usr/bin:/sbin:/bin';

/** The capability xattr of `ping`-like files: v2, effective, permitted CAP_SETUID (bit 7 → byte 0x80). */
export const CAPABILITY_XATTR = Buffer.from('0100000280000000000000000000000000000000', 'hex');

export async function buildTestImages(outDir: string): Promise<BuiltImages> {
  const layoutDir = path.join(outDir, 'layout');
  fs.rmSync(layoutDir, { recursive: true, force: true });
  const w = new LayoutWriter(layoutDir);
  const image = (repo: string, tag: string, r: ImageResult, run: RunConfig): BuiltImage => ({ repo, tag, ref: `${repo}-${tag}`, manifest: r.manifest, layers: r.layers, run });

  const baseLayers = [await w.addLayer(busyboxEntries()), await w.addLayer(etcEntries())];
  const baseRun: RunConfig = { Env: [PATH_ENV], Cmd: ['/bin/sh'] };
  const base = image('base', 'latest', w.addImage('base-latest', baseLayers, baseRun), baseRun);

  const appRun: RunConfig = { Env: [PATH_ENV, 'GREETING=hello'], Cmd: ['/app/hello.sh'], WorkingDir: '/app', User: 'www' };
  const appLayer = await w.addLayer(appEntries());
  const app = image('app', 'latest', w.addImage('app-latest', [...baseLayers, appLayer], appRun), appRun);

  const wh = [await w.addLayer(whiteoutLowerEntries()), await w.addLayer(whiteoutUpperEntries())];
  const whiteouts = image('whiteouts', 'latest', w.addImage('whiteouts-latest', [...baseLayers, ...wh], baseRun), baseRun);

  // busybox httpd as PID 1 ignores SIGTERM (PID 1 gets no default signal actions), so every
  // graceful stop would wait out the whole grace period: a shell that traps TERM runs it instead.
  const helloRun: RunConfig = {
    Env: [PATH_ENV],
    Entrypoint: ['/bin/sh', '-c', 'trap "exit 0" TERM; /usr/sbin/httpd "$@" & wait', 'httpd'],
    Cmd: ['-f', '-p', '8080', '-h', '/www'],
    ExposedPorts: { '8080/tcp': {} },
  };
  const hello = async (version: string, run: RunConfig): Promise<BuiltImage> =>
    image('hello', version, w.addImage(`hello-${version}`, [...baseLayers, await w.addLayer(wwwEntries(version))], run), run);
  const hello1 = await hello('1.0', helloRun);
  const hello2 = await hello('2.0', helloRun);
  const hello3 = await hello('3.0', { ...helloRun, Entrypoint: ['/bin/sh', '-c', 'echo "hello 3.0 is a broken release" >&2; exit 1'], Cmd: [] });

  const amd64: Platform = { architecture: 'amd64', os: 'linux' };
  const arm64: Platform = { architecture: 'arm64', os: 'linux', variant: 'v8' };
  const platforms = [
    { platform: amd64, manifest: w.addImage(null, baseLayers, baseRun, amd64).manifest },
    { platform: arm64, manifest: w.addImage(null, baseLayers, baseRun, arm64).manifest },
  ];
  const index = w.addIndex('multi-latest', platforms);
  const multi = { repo: 'multi', tag: 'latest', ref: 'multi-latest', manifest: index, layers: [], run: baseRun, platforms };

  const torture = image('torture', 'latest', w.addImage('torture-latest', await tortureLayers(w, baseLayers), baseRun), baseRun);

  w.finish();
  return { layout: layoutDir, images: { base, app, whiteouts, hello1, hello2, hello3, multi, torture } };
}

/** Layer 1 of base: /bin/busybox and a symlink per applet at the path busybox lists. */
function busyboxEntries(): TarEntrySpec[] {
  const applets = execFileSync(BUSYBOX, ['--list-full'], { encoding: 'utf8' })
    .split('\n')
    .filter((p) => p.includes('/') && p !== 'bin/busybox');
  const dirs = ['bin', 'sbin', 'usr', 'usr/bin', 'usr/sbin'].map((d): TarEntrySpec => ({ name: d, type: 'dir', mode: 0o755 }));
  const links = applets.map((p): TarEntrySpec => ({ name: p, type: 'symlink', mode: 0o777, linkname: '/bin/busybox' }));
  return sorted([...dirs, { name: 'bin/busybox', type: 'file', mode: 0o755, data: fs.readFileSync(BUSYBOX) }, ...links]);
}

/** Layer 2 of base: the directories and /etc files a container expects. */
function etcEntries(): TarEntrySpec[] {
  const file = (name: string, text: string, mode = 0o644): TarEntrySpec => ({ name, type: 'file', mode, data: Buffer.from(text) });
  const dir = (name: string, mode = 0o755, uid = 0): TarEntrySpec => ({ name, type: 'dir', mode, uid, gid: uid });
  return sorted([
    dir('dev'),
    dir('etc'),
    dir('proc'),
    dir('root', 0o700),
    dir('sys'),
    dir('tmp', 0o1777),
    dir('var'),
    dir('var/www', 0o755, 33),
    file('etc/passwd', 'root:x:0:0:root:/root:/bin/sh\nwww:x:33:33:www:/var/www:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n'),
    file('etc/group', 'root:x:0:\nwww:x:33:\nnogroup:x:65534:\n'),
    file('etc/hosts', '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n'),
    file('etc/hostname', 'berth\n'),
  ]);
}

function appEntries(): TarEntrySpec[] {
  return sorted([
    { name: 'app', type: 'dir', mode: 0o755, uid: 33, gid: 33 },
    { name: 'app/hello.sh', type: 'file', mode: 0o755, uid: 33, gid: 33, data: Buffer.from('#!/bin/sh\necho "$GREETING from app"\n') },
    { name: 'etc', type: 'dir', mode: 0o755 },
    { name: 'etc/app.conf', type: 'file', mode: 0o640, gid: 33, data: Buffer.from('greeting=hello\n') },
  ]);
}

function whiteoutLowerEntries(): TarEntrySpec[] {
  const f = (name: string): TarEntrySpec => ({ name, type: 'file', mode: 0o644, data: Buffer.from(`${name}\n`) });
  return sorted([{ name: 'data', type: 'dir', mode: 0o755 }, f('data/keep'), f('data/gone'), { name: 'opq', type: 'dir', mode: 0o755 }, f('opq/old1'), f('opq/old2'), { name: 'opq/olddir', type: 'dir', mode: 0o755 }, f('opq/olddir/x')]);
}

/**
 * Deletes data/gone and base's /bin/vi, and makes opq/ opaque. The opaque marker is written
 * after opq/new on purpose: it applies to the directory whatever its place in the tar.
 */
function whiteoutUpperEntries(): TarEntrySpec[] {
  const empty = (name: string): TarEntrySpec => ({ name, type: 'file', mode: 0o644, data: Buffer.alloc(0) });
  return [
    { name: 'bin', type: 'dir', mode: 0o755 },
    empty('bin/.wh.vi'),
    { name: 'data', type: 'dir', mode: 0o755 },
    empty('data/.wh.gone'),
    { name: 'opq', type: 'dir', mode: 0o755 },
    { name: 'opq/new', type: 'file', mode: 0o644, data: Buffer.from('new\n') },
    empty('opq/.wh..wh..opq'),
  ];
}

function wwwEntries(version: string): TarEntrySpec[] {
  return [
    { name: 'www', type: 'dir', mode: 0o755 },
    { name: 'www/healthz', type: 'file', mode: 0o644, data: Buffer.from('ok\n') },
    { name: 'www/index.html', type: 'file', mode: 0o644, data: Buffer.from(`hello ${version}\n`) },
  ];
}

export const TORTURE_LONG_NAME = 'long/' + 'l'.repeat(140);
export const TORTURE_UNICODE_NAME = 'unicode/héllo wörld-日本語-ñ.txt';

/** Every hard case at once, 50 layers: the base two, one of special files, 47 small ones. */
async function tortureLayers(w: LayoutWriter, baseLayers: LayerDescriptor[]): Promise<LayerDescriptor[]> {
  const special = sorted([
    { name: 'caps', type: 'dir', mode: 0o755 },
    { name: 'caps/ping', type: 'file', mode: 0o755, data: Buffer.from('#!/bin/sh\n'), xattrs: { 'security.capability': CAPABILITY_XATTR, 'user.note': Buffer.from('text value') } },
    { name: 'suid', type: 'dir', mode: 0o2775, gid: 50 },
    { name: 'suid/su', type: 'file', mode: 0o4755, data: Buffer.from('setuid\n') },
    { name: 'suid/sg', type: 'file', mode: 0o2711, gid: 50, data: Buffer.from('setgid\n') },
    { name: 'sticky', type: 'dir', mode: 0o1777 },
    { name: 'devs', type: 'dir', mode: 0o755 },
    { name: 'devs/null', type: 'char', mode: 0o666, devmajor: 1, devminor: 3 },
    { name: 'devs/loop7', type: 'block', mode: 0o660, gid: 6, devmajor: 7, devminor: 7 },
    { name: 'devs/fifo', type: 'fifo', mode: 0o620, uid: 1000, gid: 1000 },
    { name: 'links', type: 'dir', mode: 0o755 },
    { name: 'links/a', type: 'file', mode: 0o640, uid: 1000, gid: 1000, data: Buffer.from('shared inode\n') },
    { name: 'links/b', type: 'hardlink', mode: 0o640, uid: 1000, gid: 1000, linkname: 'links/a' },
    { name: 'links/sub', type: 'dir', mode: 0o750, uid: 1000, gid: 1000 },
    { name: 'links/sub/c', type: 'hardlink', mode: 0o640, uid: 1000, gid: 1000, linkname: 'links/a' },
    { name: 'links/rel', type: 'symlink', mode: 0o777, linkname: 'a' },
    { name: 'links/dangling', type: 'symlink', mode: 0o777, uid: 1000, gid: 1000, linkname: '/nowhere/at/all' },
    { name: 'long', type: 'dir', mode: 0o755 },
    { name: TORTURE_LONG_NAME, type: 'file', mode: 0o644, data: Buffer.from('a 140-character name\n') },
    { name: 'unicode', type: 'dir', mode: 0o755 },
    { name: TORTURE_UNICODE_NAME, type: 'file', mode: 0o644, uid: 100000, gid: 100000, data: Buffer.from('unicode\n') },
    { name: 'owners', type: 'dir', mode: 0o755, uid: 33, gid: 33 },
    { name: 'owners/www', type: 'file', mode: 0o600, uid: 33, gid: 33, mtime: 1000000000, data: Buffer.from('www\n') },
    { name: 'owners/nobody', type: 'file', mode: 0o444, uid: 65534, gid: 65534, data: Buffer.from('nobody\n') },
  ] as TarEntrySpec[]);
  const layers = [...baseLayers, await w.addLayer(special)];
  for (let i = layers.length + 1; i <= 50; i++) {
    const n = String(i).padStart(2, '0');
    const entries: TarEntrySpec[] = [
      { name: 'layers', type: 'dir', mode: 0o755 },
      { name: `layers/${n}`, type: 'file', mode: 0o644, data: Buffer.from(`layer ${n}\n`) },
    ];
    if (i === 10) entries.push({ name: 'layers/.wh.05', type: 'file', mode: 0o644, data: Buffer.alloc(0) });
    // layer 20 is zstd; layer 30 ends without tar end-of-archive blocks, as umoci 0.4 writes them
    layers.push(await w.addLayer(sorted(entries), { compression: i === 20 ? 'zstd' : 'gzip', endBlocks: i !== 30 }));
  }
  return layers;
}

function sorted(entries: TarEntrySpec[]): TarEntrySpec[] {
  return [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

if (require.main === module) {
  const out = process.argv[2];
  if (!out) {
    process.stderr.write('usage: node dist/scripts/images/build.js OUTDIR\n');
    process.exit(2);
  }
  buildTestImages(out).then(
    (built) => {
      for (const img of Object.values(built.images)) process.stdout.write(`${img.repo}:${img.tag}\t${img.manifest.digest}\toci:${built.layout}:${img.ref}\n`);
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
}
