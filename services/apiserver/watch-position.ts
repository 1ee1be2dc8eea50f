import { BadRequestError } from '../../lib/errors';

/**
 * Where a watcher stands. Group commit stores many objects in one etcd transaction, so
 * several changes share one revision; a stream cut between two of them must resume inside
 * that revision. A watch event's resourceVersion is therefore "R.i": every change before
 * revision R and changes 0..i of revision R (in etcd's order, over the whole kind) have been
 * delivered. A plain "R" (from List, bookmarks, or an object's metadata) means all of R.
 */
export interface WatchPosition {
  revision: number;
  /** Index of the last delivered change within `revision`; Infinity when all of it was. */
  index: number;
}

export function parseWatchPosition(rv: string): WatchPosition {
  const m = /^([0-9]+)(?:\.([0-9]+))?$/.exec(rv);
  if (!m) throw new BadRequestError(`resourceVersion "${rv}" is not a resourceVersion: pass one from a List or a watch event`);
  return { revision: Number(m[1]), index: m[2] === undefined ? Infinity : Number(m[2]) };
}

export function formatWatchPosition(revision: number, index: number): string {
  return `${revision}.${index}`;
}

/** True when a change at (revision, index) comes after the position. */
export function isAfter(revision: number, index: number, pos: WatchPosition): boolean {
  return revision > pos.revision || (revision === pos.revision && index > pos.index);
}

/** Numbers changes within their revision as etcd delivers them (consecutive, in order). */
export class RevisionIndexer {
  private revision = -1;
  private next = 0;
  indexOf(revision: number): number {
    if (revision !== this.revision) {
      this.revision = revision;
      this.next = 0;
    }
    return this.next++;
  }
}
