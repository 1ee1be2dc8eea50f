import * as fs from 'node:fs';

/**
 * The hard "Max open files" limit from /proc/PID/limits text. Containers cannot get a higher
 * RLIMIT_NOFILE than their creator holds unless it has CAP_SYS_RESOURCE (absent here).
 */
export function parseMaxOpenFiles(limitsText: string): number | undefined {
  const m = /^Max open files\s+(\S+)\s+(\S+)/m.exec(limitsText);
  if (!m) return undefined;
  return m[2] === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(m[2]);
}

/** This process's hard NOFILE limit (what containers it creates can be given at most). */
export function hostNofileHardLimit(): number | undefined {
  try {
    return parseMaxOpenFiles(fs.readFileSync('/proc/self/limits', 'utf8'));
  } catch {
    return undefined;
  }
}
