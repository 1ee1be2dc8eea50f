// crun refuses hybrid cgroup hosts unless /sys/fs/cgroup/unified is out of sight. Instead of a
// private mount namespace per create (sh → unshare → sh → umount → crun, five execs per pod),
// the agent makes ONE such namespace when it first needs it. The shell that made it stays in it
// as a launcher: it starts each conmon on request (a fork of a small shell), where an `nsenter`
// spawned by the agent cost a fork of the large agent process and one more exec per pod.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import type { Socket } from 'node:net';
import * as readline from 'node:readline';
import type { Logger } from '../../lib/log';
import { MNT_DETACH, ensureSharedMount, umount } from '../syscall/mount';
import { RuntimeError } from './container-runtime';

const NETNS_DIR = '/var/run/netns';

export interface CgroupNamespaceOptions {
  /**
   * Directories whose mounts made later (rootfs overlays, emptyDir tmpfs) containers must see:
   * made shared mounts before the namespace is copied with slave propagation.
   */
  sharedDirs: string[];
  log: Logger;
}

/** A monitor to start: it daemonizes and reports on the sync descriptor (conmon's `_OCI_SYNCPIPE`). */
export interface MonitorLaunch {
  cwd: string;
  cmd: string;
  args: string[];
  /** The monitor's stdout and stderr are appended here. */
  logFile: string;
  /** Environment variable naming the sync descriptor (set to 3). */
  syncEnv: string;
}

/** A mount namespace without /sys/fs/cgroup/unified that receives the host's later mounts. */
export interface CgroupNamespace {
  /** A path nsenter --mount accepts (this process's descriptor of the namespace). */
  readonly path: string;
  /**
   * Starts a monitor inside the namespace, detached from this process (it outlives the agent),
   * and resolves with the first line it writes on fd 3 ('' when it wrote none).
   */
  launch(m: MonitorLaunch): Promise<string>;
  /** Resolves when the launcher has gone (stopped or killed): launches fail from then on. */
  readonly exited: Promise<void>;
  /** Stops the launcher (monitors it started live on) and drops the namespace's descriptor. */
  close(): void;
}

const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The launcher's request line (pure): a tag, then a shell command that enters the monitor's
 * directory and execs it with its output appended to the log. Every word is quoted; a newline
 * would end the request early, so none is accepted.
 */
export function launchLine(tag: string, m: MonitorLaunch): string {
  const words = [m.cwd, m.cmd, ...m.args, m.logFile];
  if (words.some((w) => w.includes('\n')) || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(m.syncEnv)) throw new RuntimeError(`cannot launch ${m.cmd}: a newline in its arguments or a bad variable name`);
  return `${tag} cd ${shellQuote(m.cwd)} && ${m.syncEnv}=3 exec ${[m.cmd, ...m.args].map(shellQuote).join(' ')} >>${shellQuote(m.logFile)} 2>&1 </dev/null\n`;
}

// The launcher loop (POSIX sh). Each request runs in a double-forked background pipeline, so the
// monitor is nobody's child here and the loop never waits: the command's fd 3 is a pipe whose
// first line goes back to the agent on stdout, prefixed by the request's tag (one write, shorter
// than PIPE_BUF, so concurrent answers never interleave). EOF on stdin (the agent stopped or
// died) ends the loop and the launcher.
const LAUNCHER = `
while IFS= read -r req; do
  tag=\${req%% *}
  ( ( { eval "\${req#* }" 3>&1 >/dev/null 2>&1; } | { IFS= read -r line; printf '%s %s\\n' "$tag" "$line"; } ) & )
done`;

/** Whether mountinfo shows `dir` as a bind of itself (as ensureSharedMount makes it) (pure). */
export function isSelfBind(mountinfo: string, dir: string): boolean {
  return mountinfo.split('\n').some((l) => {
    const f = l.split(' ');
    return f[3] === dir && f[4] === dir;
  });
}

/** Whether mountinfo has mounts strictly below `dir` (pure). */
export function hasMountsBelow(mountinfo: string, dir: string): boolean {
  return mountinfo.split('\n').some((l) => l.split(' ')[4]?.startsWith(`${dir}/`));
}

/**
 * Copies this mount namespace (slave propagation, so mounts the agent makes later under the
 * shared directories and /var/run/netns show in it), unmounts the cgroup2 hierarchy there and
 * keeps the shell that did it as the namespace's launcher, plus a descriptor of the namespace.
 */
export async function openCgroupNamespace(o: CgroupNamespaceOptions): Promise<CgroupNamespace> {
  const bound = o.sharedDirs.filter((dir) => ensureSharedMount(dir));
  ensureSharedMount(NETNS_DIR);
  const script = `umount /sys/fs/cgroup/unified || exit 1; echo ready;${LAUNCHER}`;
  const child = spawn('unshare', ['--mount', '--propagation', 'slave', '/bin/sh', '-c', script], { stdio: ['pipe', 'pipe', 'pipe'] });
  // 'exit', not 'close': monitors being launched hold the launcher's stdout for a moment.
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => stderr.length < 4096 && (stderr += d.toString()));
  const pending = new Map<string, (line: string) => void>();
  const lines = readline.createInterface({ input: child.stdout });
  const ready = await new Promise<boolean>((resolve) => {
    lines.on('line', (l) => {
      if (l === 'ready') return resolve(true);
      const space = l.indexOf(' ');
      const tag = space < 0 ? l : l.slice(0, space);
      const answer = pending.get(tag);
      pending.delete(tag);
      answer?.(space < 0 ? '' : l.slice(space + 1));
    });
    void exited.then(() => resolve(false));
  });
  let fd: number | undefined;
  if (ready && child.pid !== undefined) fd = fs.openSync(`/proc/${child.pid}/ns/mnt`, 'r');
  if (fd === undefined) {
    child.kill('SIGKILL');
    throw new RuntimeError(`private cgroup mount namespace: ${stderr.trim() || 'unshare failed'}`);
  }
  // The launcher keeps the agent alive only while a launch waits for its answer.
  const handles: { ref(): unknown; unref(): unknown }[] = [child, ...([child.stdin, child.stdout, child.stderr] as unknown as Socket[])];
  const ref = (on: boolean): void => handles.forEach((h) => (on ? h.ref() : h.unref()));
  ref(false);
  let gone = false;
  void exited.then(() => {
    gone = true;
    ref(false);
    const waiting = [...pending.values()];
    pending.clear();
    for (const answer of waiting) answer('');
    o.log.info({ pid: child.pid }, 'crun launcher exited');
  });
  child.stdin.on('error', () => undefined);
  let nextTag = 1;
  const nsFd = fd;
  o.log.info({ fd: nsFd, launcher: child.pid, sharedDirs: o.sharedDirs }, 'mount namespace without /sys/fs/cgroup/unified made for crun');
  return {
    path: `/proc/${process.pid}/fd/${nsFd}`,
    exited,
    launch: (m) => {
      if (gone) return Promise.reject(new RuntimeError(`cannot launch ${m.cmd}: the launcher has exited`));
      const tag = `r${nextTag++}`;
      const line = launchLine(tag, m);
      return new Promise<string>((resolve) => {
        if (pending.size === 0) ref(true);
        pending.set(tag, (answer) => {
          if (pending.size === 0 && !gone) ref(false);
          resolve(answer);
        });
        child.stdin.write(line);
      });
    },
    close: () => {
      child.stdin.end();
      fs.closeSync(nsFd);
      // The self-binds go once no pod mount is left under them (containers still running keep
      // theirs until a later agent removes them; it finds the directory shared already).
      const mountinfo = fs.readFileSync('/proc/self/mountinfo', 'utf8');
      for (const dir of o.sharedDirs) {
        if (!(bound.includes(dir) || isSelfBind(mountinfo, dir)) || hasMountsBelow(mountinfo, dir)) continue;
        try {
          umount(dir, MNT_DETACH);
        } catch (err) {
          o.log.warn({ dir, err: String(err) }, 'could not unmount the shared bind of the agent root');
        }
      }
    },
  };
}
