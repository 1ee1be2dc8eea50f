import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Calls onExit(containerId) when conmon writes an exit file (named by the container id) into
 * `dir`. fs.watch reports it at once; a slow poll catches what inotify can miss (events
 * dropped under load, the directory recreated). Files present at start are not reported:
 * the first sync after a start observes them anyway.
 */
export class ExitWatcher {
  private readonly seen = new Map<string, number>();
  private watcher: fs.FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly dir: string,
    private readonly onExit: (id: string) => void,
    private readonly pollMs = 2000,
  ) {}

  start(): void {
    fs.mkdirSync(this.dir, { recursive: true });
    for (const name of this.list()) this.seen.set(name, this.mtime(name) ?? 0);
    this.watcher = fs.watch(this.dir, (_event, name) => {
      if (name) this.check(name.toString());
    });
    this.watcher.on('error', () => undefined);
    this.timer = setInterval(() => this.poll(), this.pollMs);
    this.timer.unref();
  }

  stop(): void {
    this.watcher?.close();
    clearInterval(this.timer);
  }

  private list(): string[] {
    try {
      return fs.readdirSync(this.dir).filter((n) => !n.startsWith('.') && !n.endsWith('.tmp'));
    } catch {
      return [];
    }
  }

  private mtime(name: string): number | undefined {
    try {
      return fs.statSync(path.join(this.dir, name)).mtimeMs;
    } catch {
      return undefined;
    }
  }

  private check(name: string): void {
    const m = this.mtime(name);
    if (m === undefined) {
      this.seen.delete(name);
      return;
    }
    if (this.seen.get(name) === m) return;
    this.seen.set(name, m);
    this.onExit(name);
  }

  private poll(): void {
    const present = new Set(this.list());
    for (const name of present) this.check(name);
    for (const name of [...this.seen.keys()]) if (!present.has(name)) this.seen.delete(name);
  }
}
