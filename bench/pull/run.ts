// Image pull benchmark: berth vs `skopeo copy` + `umoci unpack` from one local docker-registry.
//   npx tsc -p . && node dist/bench/pull/run.js [--rounds 5] [--huge-mib 1024] [--record] [--profile]
// Both sides write to one ext4 work dir (under /var/tmp) and neither fsyncs each file (berth's
// content store runs with fsync off, as skopeo and umoci do). --record appends to bench/RESULTS.md.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { startRegistry, type RegistryServer } from '../../lib/servers/registry';
import { buildBigImage } from '../../scripts/images/big-image';
import { pushImage } from '../../scripts/images/push';
import type { PullChildReport } from './pull-child';
import { calibrateHost, describeHost, recordResult } from '../machine';

const exec = promisify(execFile);
const CHILD = path.join(__dirname, 'pull-child.js');

interface Flags {
  rounds: string;
  hugeMib: string;
  record?: boolean;
  profile?: boolean;
  keep?: boolean;
}

function msSince(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const mb = (bytes: number): string => (bytes / 1e6).toFixed(1);
const sec = (ms: number): string => (Number.isNaN(ms) ? '–' : (ms / 1000).toFixed(2));

interface Timed {
  /** wall time seen from outside, process start-up included */
  wallMs: number;
  /** user + system CPU time of the process and its children */
  cpuMs: number;
  /** peak resident set size, KiB */
  maxRssKiB: number;
  stdout: string;
}

/** Runs a command under GNU time (-o FILE) for its CPU time and peak RSS next to the wall time. */
async function timed(cmd: string, args: string[], statsFile: string): Promise<Timed> {
  const t0 = process.hrtime.bigint();
  const { stdout } = await exec('/usr/bin/time', ['-o', statsFile, '-f', '%U %S %M', cmd, ...args], { maxBuffer: 16 << 20 });
  const wallMs = msSince(t0);
  const [user, sys, rss] = fs.readFileSync(statsFile, 'utf8').trim().split('\n').pop()?.split(' ').map(Number) ?? [];
  return { wallMs, cpuMs: (user + sys) * 1000, maxRssKiB: rss, stdout };
}

type BerthRun = Timed & PullChildReport;

/** Runs pull-child in a fresh node process (optionally under --cpu-prof into profDir). */
async function berthPull(work: string, root: string, ref: string, mountDir: string | undefined, profDir?: string): Promise<BerthRun> {
  const nodeArgs = profDir ? ['--cpu-prof', '--cpu-prof-dir', profDir] : [];
  const t = await timed(process.execPath, [...nodeArgs, CHILD, root, ref, ...(mountDir ? [mountDir] : [])], path.join(work, 'time.txt'));
  return { ...t, ...(JSON.parse(t.stdout.trim().split('\n').pop() ?? '{}') as PullChildReport) };
}

interface ToolsRun {
  copy: Timed;
  unpack: Timed;
}

/** skopeo copy into an OCI layout, then umoci unpack into a bundle. */
async function toolsPull(work: string, registry: string, repo: string, tag: string, layoutDir: string, bundle: string): Promise<ToolsRun> {
  const stats = path.join(work, 'time.txt');
  const copy = await timed('skopeo', ['copy', '--quiet', '--src-tls-verify=false', `docker://${registry}/${repo}:${tag}`, `oci:${layoutDir}:${tag}`], stats);
  const unpack = await timed('umoci', ['unpack', '--image', `${layoutDir}:${tag}`, bundle], stats);
  return { copy, unpack };
}

function rm(p: string): void {
  fs.rmSync(p, { recursive: true, force: true });
}

async function main(f: Flags): Promise<void> {
  const rounds = Number(f.rounds);
  const hugeMiB = Number(f.hugeMib);
  const host = calibrateHost();
  const work = fs.mkdtempSync(path.join('/var/tmp', 'berth-bench-pull-'));
  const profDir = f.profile ? path.join(work, 'profiles') : undefined;
  let registry: RegistryServer | undefined;
  const lines: string[] = [];
  const say = (s: string): void => {
    process.stdout.write(`${s}\n`);
    lines.push(s);
  };
  try {
    process.stderr.write(`work dir ${work}; building images…\n`);
    const images = path.join(work, 'images');
    const v1 = await buildBigImage(images, { layers: 5, layerMiB: 40, version: 1, repo: 'big' });
    const v2 = await buildBigImage(images, { layers: 5, layerMiB: 40, version: 2, repo: 'big' });
    const huge = await buildBigImage(images, { layers: 1, layerMiB: hugeMiB, version: 1, repo: 'huge' });
    registry = await startRegistry({ dir: path.join(work, 'registry'), logFile: path.join(work, 'registry.log') });
    for (const img of [v1, v2, huge]) await pushImage(v1.layout, img, { registry: registry.address });
    rm(images);
    const ref = (repo: string, tag: string): string => `${registry?.address}/${repo}:${tag}`;
    const v1Bytes = v1.layers.reduce((n, l) => n + l.size, 0);
    const newLayer = v2.layers[v2.layers.length - 1].size;

    // Cold pulls, alternating berth and the tools so load on the shared machine hits both alike.
    const berth: BerthRun[] = [];
    const tools: ToolsRun[] = [];
    const toolsWall = (r: ToolsRun): number => r.copy.wallMs + r.unpack.wallMs;
    const toolsCpu = (r: ToolsRun): number => r.copy.cpuMs + r.unpack.cpuMs;
    for (let i = 0; i < rounds; i++) {
      const root = path.join(work, `berth-${i}`);
      berth.push(await berthPull(work, root, ref('big', 'v1'), path.join(work, 'mnt'), profDir));
      rm(root);
      const layout = path.join(work, `oci-${i}`);
      tools.push(await toolsPull(work, registry.address, 'big', 'v1', layout, path.join(work, `bundle-${i}`)));
      rm(layout);
      rm(path.join(work, `bundle-${i}`));
      process.stderr.write(`round ${i + 1}/${rounds}: berth ${sec(berth[i].wallMs)} s, tools ${sec(toolsWall(tools[i]))} s\n`);
    }

    // Version 2 on top of version 1: only its top layer should cross the wire.
    const root = path.join(work, 'berth-v2');
    await berthPull(work, root, ref('big', 'v1'), undefined);
    const upd = await berthPull(work, root, ref('big', 'v2'), path.join(work, 'mnt'));
    rm(root);
    const layout = path.join(work, 'oci-v2');
    await toolsPull(work, registry.address, 'big', 'v1', layout, path.join(work, 'bundle-v1'));
    const toolsUpd = await toolsPull(work, registry.address, 'big', 'v2', layout, path.join(work, 'bundle-v2'));
    rm(layout);
    rm(path.join(work, 'bundle-v1'));
    rm(path.join(work, 'bundle-v2'));

    const hugeRoot = path.join(work, 'berth-huge');
    const hugeRun = await berthPull(work, hugeRoot, ref('huge', 'v1'), undefined);
    rm(hugeRoot);

    const ratio = (a: number[], b: number[]): string => (median(a) / median(b)).toFixed(2);
    say(`${new Date().toISOString().slice(0, 10)}, ${describeHost(host)}; work dir on ext4; no fsync on either side.`);
    say(`Image big:v1 = 5 layers × 40 MiB incompressible (${mb(v1Bytes)} MB gzipped); ${rounds} rounds, a cold store each round, registry blobs in page cache. CPU = user + system time of the process tree (GNU time).`);
    say('');
    say('| cold pull to rootfs | median wall s | min s | max s | median CPU s |');
    say('|---|---:|---:|---:|---:|');
    const row = (name: string, wall: number[], cpu: number[]): void =>
      say(`| ${name} | ${sec(median(wall))} | ${sec(Math.min(...wall))} | ${sec(Math.max(...wall))} | ${sec(median(cpu))} |`);
    row('berth pull + mount + unmount (node process)', berth.map((r) => r.wallMs), berth.map((r) => r.cpuMs));
    row('  of which inside the process (after start-up)', berth.map((r) => r.ms), berth.map(() => NaN));
    row('skopeo copy', tools.map((r) => r.copy.wallMs), tools.map((r) => r.copy.cpuMs));
    row('umoci unpack', tools.map((r) => r.unpack.wallMs), tools.map((r) => r.unpack.cpuMs));
    row('skopeo copy + umoci unpack', tools.map(toolsWall), tools.map(toolsCpu));
    say(`| **ratio berth / tools** (goal ≤ 0.60) | **${ratio(berth.map((r) => r.wallMs), tools.map(toolsWall))}** | | | ${ratio(berth.map((r) => r.cpuMs), tools.map(toolsCpu))} |`);
    say('');
    say('| update v1 → v2 (4 of 5 layers shared) | bytes fetched | its new layer, bytes | wall s |');
    say('|---|---:|---:|---:|');
    say(`| berth pull + mount | ${upd.bytesFetched} | ${newLayer} | ${sec(upd.wallMs)} |`);
    say(`| skopeo copy (reuses blobs in the layout) + umoci unpack (unpacks all 5 again) | – | ${newLayer} | ${sec(toolsWall(toolsUpd))} |`);
    say('');
    say('| berth peak RSS of the pull process (ru_maxrss) | MB |');
    say('|---|---:|');
    say(`| cold pull of big:v1 (5 × 40 MiB), max over rounds | ${mb(Math.max(...berth.map((r) => r.maxRssKiB)) * 1024)} |`);
    say(`| cold pull of huge:v1 (1 layer × ${hugeMiB} MiB, ${sec(hugeRun.wallMs)} s wall) | ${mb(hugeRun.maxRssKiB * 1024)} |`);
    if (profDir) say(`\nCPU profiles in ${profDir}`);
    if (f.record) recordResult(`\n## Image pull\n\n${lines.join('\n')}\n`);
  } finally {
    await registry?.stop();
    if (!f.keep && !profDir) rm(work);
  }
}

const program = new Command('bench-pull')
  .option('--rounds <n>', 'cold-pull rounds (median reported)', '5')
  .option('--huge-mib <n>', 'size of the single-layer image for the RSS check', '1024')
  .option('--record', 'append the results to bench/RESULTS.md')
  .option('--profile', 'run berth pulls under --cpu-prof and keep the work dir')
  .option('--keep', 'keep the work dir')
  .action((f: Flags) => main(f));
program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`bench-pull: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
