// One berth cold pull in its own process, so the benchmark can read its peak RSS:
//   node dist/bench/pull/pull-child.js ROOT REF [MOUNTDIR]
// Pulls REF into the store at ROOT (fsync off, as skopeo/umoci), then mounts its rootfs
// read-only at MOUNTDIR and unmounts it, and prints one JSON line (PullChildReport).
import * as fs from 'node:fs';
import { openImageService } from '../../agent/image/image-service';
import { parseReference } from '../../lib/image/reference';

export interface PullChildReport {
  /** pull + mount + unmount, inside the process */
  ms: number;
  bytesFetched: number;
  layersExisting: number;
}

async function main(): Promise<void> {
  const [root, refText, mountDir] = process.argv.slice(2);
  if (!root || !refText) throw new Error('usage: pull-child ROOT REF [MOUNTDIR]');
  const t0 = process.hrtime.bigint();
  const svc = openImageService(root, { fsync: false });
  const result = await svc.puller.pull(parseReference(refText));
  if (mountDir) {
    fs.mkdirSync(mountDir, { recursive: true });
    const chains = result.record.layers.map((l) => l.chainId);
    await svc.snapshots.mountRootfs(chains, 'bench', mountDir, { readOnly: true });
    await svc.snapshots.unmountRootfs('bench', mountDir);
  }
  const report: PullChildReport = {
    ms: Number(process.hrtime.bigint() - t0) / 1e6,
    bytesFetched: result.bytesFetched,
    layersExisting: result.layersExisting,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`pull-child: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
