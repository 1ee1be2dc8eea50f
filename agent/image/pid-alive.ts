/** Whether a process exists (EPERM: it exists but belongs to someone else). Lock and lease files use it to spot stale holders. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
