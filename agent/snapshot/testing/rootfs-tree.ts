// Test helper: a comparable description of a directory tree (types, modes, owners, link
// targets, contents, device numbers, hardlink counts, xattrs), for comparing berth's overlay
// view of an image with the rootfs another tool unpacked.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface TreeEntry {
  type: 'file' | 'dir' | 'symlink' | 'char' | 'block' | 'fifo' | 'socket';
  mode: number;
  uid: number;
  gid: number;
  mtime?: number;
  link?: string;
  sha256?: string;
  rdev?: number;
  nlink?: number;
  xattrs?: Record<string, string>;
}

/** Every path below `root` (root itself excluded) → its description. */
export function captureTree(root: string): Map<string, TreeEntry> {
  const out = new Map<string, TreeEntry>();
  const walk = (rel: string): void => {
    for (const name of fs.readdirSync(path.join(root, rel)).sort()) {
      const r = rel === '' ? name : `${rel}/${name}`;
      const abs = path.join(root, r);
      const st = fs.lstatSync(abs);
      const e: TreeEntry = { type: typeOf(st), mode: st.mode & 0o7777, uid: st.uid, gid: st.gid };
      if (!st.isDirectory()) e.mtime = Math.floor(st.mtimeMs / 1000);
      if (st.isSymbolicLink()) e.link = fs.readlinkSync(abs);
      if (st.isFile()) {
        e.sha256 = createHash('sha256').update(fs.readFileSync(abs)).digest('hex');
        e.nlink = st.nlink;
      }
      if (st.isCharacterDevice() || st.isBlockDevice()) e.rdev = st.rdev;
      out.set(r, e);
      if (st.isDirectory()) walk(r);
    }
  };
  walk('');
  for (const [r, x] of readXattrs(root)) {
    const e = out.get(r);
    if (e) e.xattrs = Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1)));
  }
  return out;
}

function typeOf(st: fs.Stats): TreeEntry['type'] {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'dir';
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isCharacterDevice()) return 'char';
  if (st.isBlockDevice()) return 'block';
  if (st.isFIFO()) return 'fifo';
  return 'socket';
}

/** getfattr's dump of every xattr (overlay hides its own trusted.overlay.* in a merged view). */
function readXattrs(root: string): Map<string, Record<string, string>> {
  const text = execFileSync('getfattr', ['-R', '-P', '-h', '-d', '-m', '-', '-e', 'hex', '.'], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
  const out = new Map<string, Record<string, string>>();
  let current: Record<string, string> | null = null;
  for (const line of text.split('\n')) {
    if (line.startsWith('# file: ')) {
      const rel = line.slice('# file: '.length).replace(/^\.\/?/, '').replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));
      current = {};
      out.set(Buffer.from(rel, 'latin1').toString('utf8'), current);
    } else if (current && line.includes('=')) {
      const eq = line.indexOf('=');
      current[line.slice(0, eq)] = line.slice(eq + 1);
    }
  }
  return out;
}

/** Human-readable differences between two trees (empty when they match). */
export function diffTrees(want: Map<string, TreeEntry>, got: Map<string, TreeEntry>): string[] {
  const diffs: string[] = [];
  for (const [p, w] of want) {
    const g = got.get(p);
    if (!g) diffs.push(`missing ${p}`);
    else if (JSON.stringify(w) !== JSON.stringify(g)) diffs.push(`differs ${p}: want ${JSON.stringify(w)} got ${JSON.stringify(g)}`);
  }
  for (const p of got.keys()) if (!want.has(p)) diffs.push(`extra ${p}`);
  return diffs;
}
