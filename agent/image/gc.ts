import type { ContentStore } from './content-store';
import type { ImageStore } from './image-store';

/** The part of C2's Snapshotter GC needs. */
export interface SnapshotLister {
  list(): Promise<string[]>;
  remove(chainId: string): Promise<void>;
}

/** What unreferenced content to delete. Pure: the sets in, the lists out. */
export function planCollection(
  have: { blobs: string[]; snapshots: string[] },
  keep: { blobs: Set<string>; snapshots: Set<string> },
): { blobs: string[]; snapshots: string[] } {
  return { blobs: have.blobs.filter((b) => !keep.blobs.has(b)), snapshots: have.snapshots.filter((s) => !keep.snapshots.has(s)) };
}

/**
 * Mark and sweep: image records and live leases (containers, in-flight pulls) mark blobs and
 * snapshots; everything else goes. A snapshot in use by a mounted container is refused by the
 * snapshotter and stays for a later round.
 */
export async function collectGarbage(images: ImageStore, content: ContentStore, snapshots: SnapshotLister): Promise<{ blobs: string[]; snapshots: string[] }> {
  const keep = await images.referenced();
  const plan = planCollection({ blobs: await content.list(), snapshots: await snapshots.list() }, keep);
  const removed: string[] = [];
  for (const chainId of plan.snapshots) {
    try {
      await snapshots.remove(chainId);
      removed.push(chainId);
    } catch {
      // in use: kept for now
    }
  }
  for (const blob of plan.blobs) await content.delete(blob);
  return { blobs: plan.blobs, snapshots: removed };
}
