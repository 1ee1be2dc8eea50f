import * as fs from 'node:fs';

/**
 * Container logs as conmon writes them (CRI "k8s-file"): one record per line,
 * `<RFC3339Nano time> <stdout|stderr> <F|P> <bytes>`, where P marks a partial line (conmon cuts
 * lines at 8 KiB) continued by following records of the same stream up to an F.
 *
 * Size and rotation: conmon's --log-size-max truncates the file in place when it grows past
 * the cap (it does not rotate); the agent rotates on restart — a new instance of a container
 * starts a fresh file and the previous one's becomes `<file>.1` (what `--previous` reads).
 */
export type LogStream = 'stdout' | 'stderr';

export interface LogRecord {
  time: string;
  stream: LogStream;
  /** One whole line, without its newline. */
  content: string;
}

interface RawRecord extends LogRecord {
  partial: boolean;
}

export function parseLogLine(line: string): RawRecord | undefined {
  const a = line.indexOf(' ');
  const b = line.indexOf(' ', a + 1);
  const c = line.indexOf(' ', b + 1);
  if (a <= 0 || b < 0) return undefined;
  const stream = line.slice(a + 1, b);
  const tag = c < 0 ? line.slice(b + 1) : line.slice(b + 1, c);
  if ((stream !== 'stdout' && stream !== 'stderr') || (tag !== 'F' && tag !== 'P')) return undefined;
  return { time: line.slice(0, a), stream, partial: tag === 'P', content: c < 0 ? '' : line.slice(c + 1) };
}

/**
 * Joins partial records into whole lines, per stream. Keeps state across calls so a follower
 * can feed it chunk by chunk; flush() returns lines still waiting for their F.
 */
export class LogAssembler {
  private readonly pending = new Map<LogStream, RawRecord>();

  push(line: string): LogRecord | undefined {
    const rec = parseLogLine(line);
    if (!rec) return undefined;
    const prev = this.pending.get(rec.stream);
    const joined = prev ? { ...prev, content: prev.content + rec.content, partial: rec.partial } : rec;
    if (joined.partial) {
      this.pending.set(rec.stream, joined);
      return undefined;
    }
    this.pending.delete(rec.stream);
    return { time: joined.time, stream: joined.stream, content: joined.content };
  }

  flush(): LogRecord[] {
    const rest = [...this.pending.values()].map((r) => ({ time: r.time, stream: r.stream, content: r.content }));
    this.pending.clear();
    return rest;
  }
}

/** All whole lines of a k8s-file log text; a trailing partial line counts as a line. */
export function parseLog(text: string): LogRecord[] {
  const asm = new LogAssembler();
  const out: LogRecord[] = [];
  for (const line of text.split('\n')) {
    const rec = asm.push(line);
    if (rec) out.push(rec);
  }
  return [...out, ...asm.flush()];
}

/** The last n records (all when n is undefined or negative). */
export function tailRecords(records: LogRecord[], n?: number): LogRecord[] {
  return n === undefined || n < 0 ? records : n === 0 ? [] : records.slice(-n);
}

export const previousLogPath = (logPath: string): string => `${logPath}.1`;

/** Reads a container's log (or the previous instance's); a missing file is an empty log. */
export function readLog(logPath: string, opts: { tail?: number; previous?: boolean } = {}): LogRecord[] {
  let text: string;
  try {
    text = fs.readFileSync(opts.previous ? previousLogPath(logPath) : logPath, 'utf8');
  } catch {
    return [];
  }
  return tailRecords(parseLog(text), opts.tail);
}

/** Before a container's new instance starts: its current log becomes the previous one. */
export function rotateOnRestart(logPath: string): void {
  try {
    fs.renameSync(logPath, previousLogPath(logPath));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

export interface LogFollower {
  stop(): void;
}

/**
 * Calls onRecord for each whole line appended to logPath from `fromOffset` on (default: the
 * current end), polling. Survives conmon's truncation at the size cap (restarts from 0) and
 * the file being replaced (new inode: reads the new file from its start).
 */
export function followLog(logPath: string, onRecord: (r: LogRecord) => void, opts: { fromOffset?: number; intervalMs?: number } = {}): LogFollower {
  const asm = new LogAssembler();
  let offset = opts.fromOffset ?? (fs.existsSync(logPath) ? fs.statSync(logPath).size : 0);
  let ino: number | undefined = fs.existsSync(logPath) ? fs.statSync(logPath).ino : undefined;
  let carry = '';
  let stopped = false;

  const poll = (): void => {
    let st: fs.Stats;
    try {
      st = fs.statSync(logPath);
    } catch {
      return;
    }
    if (ino !== undefined && st.ino !== ino) offset = 0;
    if (st.size < offset) offset = 0;
    ino = st.ino;
    if (st.size === offset) return;
    const fd = fs.openSync(logPath, 'r');
    try {
      const buf = Buffer.alloc(st.size - offset);
      const n = fs.readSync(fd, buf, 0, buf.length, offset);
      offset += n;
      const lines = (carry + buf.subarray(0, n).toString('utf8')).split('\n');
      carry = lines.pop() ?? '';
      for (const line of lines) {
        const rec = asm.push(line);
        if (rec) onRecord(rec);
      }
    } finally {
      fs.closeSync(fd);
    }
  };
  const timer = setInterval(() => !stopped && poll(), opts.intervalMs ?? 200);
  poll();
  return {
    stop: () => {
      stopped = true;
      clearInterval(timer);
    },
  };
}
