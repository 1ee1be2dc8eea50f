import { createHash } from 'node:crypto';
import * as path from 'node:path';
import * as cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { shortDigest } from '../../lib/image/digest';
import { parsePlatform } from '../../lib/image/platform';
import { familiarName, parseReference } from '../../lib/image/reference';
import { loadRegistryConfig } from '../../lib/image/registry-config';
import { collectGarbage } from './gc';
import { DEFAULT_IMAGE_ROOT, openImageService } from './image-service';
import type { PullEvent } from './puller';

/** Sizes as docker prints them: decimal units, one decimal past bytes ("1.2MB"). */
export function humanBytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB'];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000;
    i++;
  }
  return `${n.toFixed(i === 0 ? 0 : 1)}${units[i]}`;
}

/** One bar per layer, as `docker pull` shows them (plain lines when stderr is not a terminal). */
function progressPrinter(): { onProgress: (ev: PullEvent) => void; stop: () => void } {
  const tty = process.stderr.isTTY === true;
  // The bar takes what the longest line leaves ("<id>: Downloading [bar] 999.9MB/999.9MB
  // 999.9MB/s" is 54 columns besides it): cli-progress cuts its last frame at the terminal's
  // width (80 when the terminal reports none), which cut the sizes off on 80 columns.
  const barsize = Math.max(10, Math.min(40, (process.stderr.columns || 80) - 55));
  const multi = tty
    ? new cliProgress.MultiBar({ format: '{id}: {status} [{bar}] {done}/{size} {speed}', barsize, hideCursor: true, clearOnComplete: false, stream: process.stderr }, cliProgress.Presets.shades_classic)
    : undefined;
  const bars = new Map<string, { bar?: cliProgress.SingleBar; started: number; last: string }>();
  const onProgress = (ev: PullEvent): void => {
    if (ev.type === 'resolved') {
      for (const l of ev.layers) bars.set(l.digest, { bar: multi?.create(l.size, 0, { id: shortDigest(l.digest), status: 'Waiting', done: '0B', size: humanBytes(l.size), speed: '' }), started: Date.now(), last: '' });
      return;
    }
    const b = bars.get(ev.digest);
    if (!b) return;
    const status = ev.status === 'exists' ? 'Already exists' : ev.status === 'complete' ? 'Pull complete' : ev.status === 'downloading' ? 'Downloading' : 'Waiting';
    const secs = Math.max(0.001, (Date.now() - b.started) / 1000);
    b.bar?.update(ev.current, { status, done: humanBytes(ev.current), speed: ev.status === 'downloading' ? `${humanBytes(ev.current / secs)}/s` : '' });
    if (!tty && status !== b.last && status !== 'Downloading') process.stderr.write(`${shortDigest(ev.digest)}: ${status}\n`);
    b.last = status;
  };
  return { onProgress, stop: () => multi?.stop() };
}

/** `berth image …`: a node's image store, usable with no cluster running. */
export function registerImageCommands(program: Command): void {
  const image = program.command('image').description('pull and manage images in a node\'s local store');
  const rootOpt = (c: Command): Command => c.option('--root <dir>', 'store directory', DEFAULT_IMAGE_ROOT);

  rootOpt(image.command('pull <ref>').description('pull an image layer by layer'))
    .option('--platform <os/arch[/variant]>', 'platform to pull from a multi-platform image')
    .option('--registry-config <file>', 'per-registry settings (insecure, mirrors, credentials)')
    .option('--concurrency <n>', 'layers downloaded at once', '3')
    .action(async (refText: string, o: { root: string; platform?: string; registryConfig?: string; concurrency: string }) => {
      const ref = parseReference(refText);
      const svc = openImageService(o.root, { registryConfig: loadRegistryConfig(o.registryConfig) });
      process.stdout.write(`${ref.tag ?? ref.digest}: Pulling from ${familiarName(ref.domain, ref.path)}\n`);
      const progress = progressPrinter();
      let result;
      try {
        result = await svc.puller.pull(ref, { platform: o.platform ? parsePlatform(o.platform) : undefined, concurrency: Number(o.concurrency), onProgress: progress.onProgress });
      } finally {
        progress.stop();
      }
      process.stdout.write(`Digest: ${result.record.digest}\n`);
      const fresh = result.layersExisting < result.record.layers.length;
      process.stdout.write(`Status: ${fresh ? 'Downloaded newer image' : 'Image is up to date'} for ${ref.familiar()}\n`);
    });

  rootOpt(image.command('ls').description('list images')).action(async (o: { root: string }) => {
    const svc = openImageService(o.root);
    const rows = [['REPOSITORY', 'TAG', 'DIGEST', 'SIZE']];
    for (const r of await svc.images.list()) {
      const names = r.names.length > 0 ? r.names : ['<none>'];
      for (const n of names) {
        const ref = n === '<none>' ? undefined : parseReference(n);
        rows.push([ref ? familiarName(ref.domain, ref.path) : '<none>', ref?.tag ?? '<none>', r.digest, humanBytes(r.sizeBytes)]);
      }
    }
    const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
    for (const row of rows) process.stdout.write(`${row.map((c, i) => c.padEnd(widths[i])).join('   ').trimEnd()}\n`);
  });

  rootOpt(image.command('rm <ref>').description('remove an image name; the image goes with its last name')).action(async (ref: string, o: { root: string }) => {
    const svc = openImageService(o.root);
    const res = await svc.images.remove(ref);
    for (const u of res.untagged) process.stdout.write(`Untagged: ${u}\n`);
    if (res.deleted) {
      process.stdout.write(`Deleted: ${res.deleted}\n`);
      await collectGarbage(svc.images, svc.content, svc.snapshots);
    }
  });

  rootOpt(image.command('prune').description('remove images without names (all unused with --all) and unreferenced content'))
    .option('-a, --all', 'remove every image no container uses')
    .action(async (o: { root: string; all?: boolean }) => {
      const svc = openImageService(o.root);
      const held = await svc.images.heldImages();
      for (const r of await svc.images.list()) {
        if (held.has(r.manifestDigest) || (!o.all && r.names.length > 0)) continue;
        for (const n of r.names.length > 0 ? r.names : [r.manifestDigest]) await svc.images.remove(n).catch(() => undefined);
        process.stdout.write(`Deleted: ${r.manifestDigest}\n`);
      }
      const gc = await collectGarbage(svc.images, svc.content, svc.snapshots);
      process.stdout.write(`Removed ${gc.blobs.length} blobs, ${gc.snapshots.length} snapshots\n`);
    });

  rootOpt(image.command('mount <ref> <dir>').description('mount an image\'s rootfs read-only at dir')).action(async (ref: string, dir: string, o: { root: string }) => {
    const svc = openImageService(o.root);
    const rec = await svc.images.get(ref);
    await svc.images.holdImage(mountId(dir), rec.manifestDigest);
    await svc.snapshots.mountRootfs(rec.layers.map((l) => l.chainId), mountId(dir), dir, { readOnly: true });
    process.stdout.write(`${dir}\n`);
  });

  rootOpt(image.command('unmount <dir>').description('unmount what `berth image mount` mounted')).action(async (dir: string, o: { root: string }) => {
    const svc = openImageService(o.root);
    await svc.snapshots.unmountRootfs(mountId(dir), dir);
    await svc.images.releaseImage(mountId(dir));
  });
}

/** A mount is a "container" of the snapshotter, named after its absolute target. */
function mountId(dir: string): string {
  return `mount-${createHash('sha256').update(path.resolve(dir)).digest('hex').slice(0, 16)}`;
}
