// `berth image …` as a user runs it: a real process per command against a real docker-registry.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { shortDigest } from '../../lib/image/digest';
import { startRegistry, type RegistryServer } from '../../lib/servers/registry';
import { BUSYBOX, buildTestImages, type BuiltImages } from '../../scripts/images/build';
import { pushImage } from '../../scripts/images/push';
import { humanBytes } from './image-command';

jest.setTimeout(120_000);

const DIST = path.resolve(__dirname, '../../dist');
const BERTH = path.join(DIST, 'cmd/berth.js');
// Until `berth image` is wired into cmd/berth.ts, the same commands from a minimal program.
const SHIM = [
  "const { Command } = require('commander');",
  "const p = new Command('berth');",
  `require(${JSON.stringify(path.join(DIST, 'agent/image/image-command.js'))}).registerImageCommands(p);`,
  "p.parseAsync(process.argv).catch((e) => { process.stderr.write('error: ' + e.message + '\\n'); process.exit(1); });",
].join('\n');

let tmp: string;
let root: string;
let mnt: string;
let registry: RegistryServer;
let built: BuiltImages;
/** the script run as `berth`: dist/cmd/berth.js once it has `image`, else the shim */
let entry: string;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** `berth image ARGS --root ROOT` in a child process (stderr is a pipe: one line per layer status). */
function image(...args: string[]): Run {
  const r = spawnSync(process.execPath, [entry, 'image', ...args, '--root', root], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function ok(...args: string[]): Run {
  const r = image(...args);
  if (r.status !== 0) throw new Error(`berth image ${args.join(' ')} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r;
}

function isMountPoint(dir: string): boolean {
  const abs = fs.realpathSync(dir);
  return fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some((line) => line.split(' ')[4] === abs);
}

const blobExists = (digest: string): boolean => fs.existsSync(path.join(root, 'content', 'blobs', 'sha256', digest.slice('sha256:'.length)));

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-image-cmd-'));
  root = path.join(tmp, 'root');
  mnt = path.join(tmp, 'mnt');
  fs.mkdirSync(mnt);
  const wired = spawnSync(process.execPath, [BERTH, 'image', '--help'], { encoding: 'utf8' }).status === 0;
  entry = BERTH;
  if (!wired) {
    entry = path.join(tmp, 'berth-image.js');
    fs.writeFileSync(entry, SHIM);
  }
  built = await buildTestImages(path.join(tmp, 'images'));
  registry = await startRegistry({ dir: path.join(tmp, 'registry'), logFile: path.join(tmp, 'registry.log') });
  await pushImage(built.layout, built.images.base, { registry: registry.address });
  await pushImage(built.layout, built.images.app, { registry: registry.address });
});

afterAll(async () => {
  if (mnt && fs.existsSync(mnt) && isMountPoint(mnt)) execFileSync('umount', ['-l', mnt]);
  await registry?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

test('pull, ls, mount, rm and prune an image store with no cluster running', () => {
  const baseRef = `${registry.address}/base:latest`;
  const appRef = `${registry.address}/app:latest`;
  const [l0, l1] = built.images.base.layers;
  const appLayer = built.images.app.layers[2];

  // A cold pull: every layer completes, then the digest the registry serves for the tag.
  const first = ok('pull', baseRef);
  expect(first.stdout).toContain(`latest: Pulling from ${registry.address}/base`);
  expect(first.stdout).toContain(`Digest: ${built.images.base.manifest.digest}\n`);
  expect(first.stdout).toContain('Status: Downloaded newer image');
  for (const l of [l0, l1]) expect(first.stderr).toContain(`${shortDigest(l.digest)}: Pull complete`);

  // app is base + one layer: only that one is pulled.
  const second = ok('pull', appRef);
  expect(second.stdout).toContain(`Digest: ${built.images.app.manifest.digest}\n`);
  for (const l of [l0, l1]) {
    expect(second.stderr).toContain(`${shortDigest(l.digest)}: Already exists`);
    expect(second.stderr).not.toContain(`${shortDigest(l.digest)}: Pull complete`);
  }
  expect(second.stderr).toContain(`${shortDigest(appLayer.digest)}: Pull complete`);
  expect(ok('pull', appRef).stdout).toContain('Status: Image is up to date');

  const ls = ok('ls').stdout.trim().split('\n');
  expect(ls[0]).toMatch(/^REPOSITORY\s+TAG\s+DIGEST\s+SIZE$/);
  expect(ls.slice(1).map((line) => line.split(/\s+/).slice(0, 3)).sort()).toEqual(
    [
      [`${registry.address}/app`, 'latest', built.images.app.manifest.digest],
      [`${registry.address}/base`, 'latest', built.images.base.manifest.digest],
    ].sort(),
  );

  // mount: app's three layers as one read-only tree
  ok('mount', appRef, mnt);
  expect(isMountPoint(mnt)).toBe(true);
  expect(fs.readFileSync(path.join(mnt, 'bin/busybox')).equals(fs.readFileSync(BUSYBOX))).toBe(true);
  expect(fs.readFileSync(path.join(mnt, 'app/hello.sh'), 'utf8')).toBe('#!/bin/sh\necho "$GREETING from app"\n');
  expect(fs.statSync(path.join(mnt, 'app/hello.sh')).uid).toBe(33);
  expect(fs.readFileSync(path.join(mnt, 'etc/passwd'), 'utf8')).toContain('www:x:33:33');
  expect(() => fs.writeFileSync(path.join(mnt, 'tmp/x'), 'x')).toThrow(expect.objectContaining({ code: 'EROFS' }));
  expect(() => fs.rmSync(path.join(mnt, 'bin/busybox'))).toThrow(expect.objectContaining({ code: 'EROFS' }));

  // a mounted image is in use: it cannot be removed
  const busy = image('rm', appRef);
  expect(busy.status).not.toBe(0);
  expect(busy.stderr).toMatch(/in use/);
  ok('unmount', mnt);
  expect(isMountPoint(mnt)).toBe(false);
  expect(fs.readdirSync(mnt)).toEqual([]);

  // rm: app's name and its own content go; base's shared layers stay
  const rm = ok('rm', appRef);
  expect(rm.stdout).toContain(`Untagged: ${appRef}`);
  expect(rm.stdout).toContain('Deleted: ');
  expect(blobExists(appLayer.digest)).toBe(false);
  expect(blobExists(built.images.app.manifest.digest)).toBe(false);
  for (const l of [l0, l1]) expect(blobExists(l.digest)).toBe(true);
  expect(ok('ls').stdout).not.toContain('/app');

  // prune keeps named images; --all removes every unused one, and its blobs and snapshots
  expect(ok('prune').stdout).toContain('Removed 0 blobs, 0 snapshots');
  expect(ok('ls').stdout).toContain(`${registry.address}/base`);
  const pruned = ok('prune', '--all');
  expect(pruned.stdout).toContain(`Deleted: ${built.images.base.manifest.digest}`);
  expect(pruned.stdout).toContain('Removed 4 blobs, 2 snapshots'); // 2 layers, config, manifest
  expect(fs.readdirSync(path.join(root, 'content', 'blobs', 'sha256'))).toEqual([]);
  expect(ok('ls').stdout.trim().split('\n')).toHaveLength(1);
});

test('on a terminal, pull draws a bar per layer with its bytes', () => {
  // script(1) gives the pull a pseudo-terminal, as a user's shell would, 80 columns wide: every
  // line must fit whole, sizes included.
  const pull = [process.execPath, entry, 'image', 'pull', `${registry.address}/base:latest`, '--root', path.join(tmp, 'tty-root')].map((a) => `'${a}'`).join(' ');
  const cmd = `stty cols 80 rows 24; ${pull}`;
  const out = execFileSync('script', ['-qec', cmd, '/dev/null'], { encoding: 'utf8', timeout: 60_000 });
  const text = out.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, ''); // cursor movement and colours
  for (const l of built.images.base.layers) {
    const size = humanBytes(l.size);
    expect(text).toContain(`${shortDigest(l.digest)}: Pull complete [`);
    expect(text).toContain(`] ${size}/${size}`);
  }
  expect(text).toContain(`Digest: ${built.images.base.manifest.digest}`);
});
