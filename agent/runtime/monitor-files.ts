// Pure readers of what conmon and the kernel leave on disk.

export type SyncMessage = { ok: true; pid: number } | { ok: false; message: string };

/**
 * conmon's sync-pipe line after `RUNTIME create`: `{"data": PID}` on success, `{"data": -1,
 * "message": "..."}` on failure. Anything else (no line at all: conmon died) is a failure too.
 */
export function parseSyncMessage(line: string): SyncMessage {
  let msg: { data?: unknown; message?: unknown };
  try {
    msg = JSON.parse(line) as { data?: unknown; message?: unknown };
  } catch {
    return { ok: false, message: line.trim() === '' ? 'conmon exited without reporting a pid' : `unexpected sync message: ${line.trim()}` };
  }
  if (typeof msg.data === 'number' && msg.data > 0) return { ok: true, pid: msg.data };
  return { ok: false, message: typeof msg.message === 'string' && msg.message !== '' ? msg.message.trim() : `container creation failed (${String(msg.data)})` };
}

/** The process state letter and start time (clock ticks since boot) from /proc/PID/stat. */
export function parseProcStat(text: string): { state: string; startTime: number } | undefined {
  // comm (field 2) may hold spaces and parentheses: fields resume after the last ')'.
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  const rest = text.slice(close + 2).split(' ');
  const startTime = Number(rest[19]);
  if (!rest[0] || !Number.isFinite(startTime)) return undefined;
  return { state: rest[0], startTime };
}

/** conmon's exit file: the decimal exit code, no newline (128+N after signal N). */
export function parseExitFile(text: string): number | undefined {
  const t = text.trim();
  return /^-?\d+$/.test(t) ? Number(t) : undefined;
}
