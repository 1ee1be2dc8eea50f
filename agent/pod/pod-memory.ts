import type { BackoffConfig } from './backoff';
import type { ContainerMemory, ObservedContainer, TerminationRecord } from './pod-model';

/** The reason a finished instance reports: OOMKilled from the runtime's flag, else by exit code. */
export function terminationReason(c: ObservedContainer): string {
  if (c.oomKilled) return 'OOMKilled';
  return c.exitCode === 0 ? 'Completed' : 'Error';
}

export function terminationOf(c: ObservedContainer): TerminationRecord {
  return { containerId: c.id, exitCode: c.exitCode ?? -1, reason: terminationReason(c), startedAt: c.startedAt, finishedAt: c.finishedAt };
}

/** Memory after a failed pull: the next retry waits the initial delay, then twice the last one. */
export function afterPullFailure(mem: ContainerMemory, message: string, now: number, cfg: BackoffConfig): ContainerMemory {
  const prev = mem.pullFailure?.delayMs;
  const delayMs = prev === undefined ? cfg.initialMs : Math.min(prev * 2, cfg.maxMs);
  return { ...mem, pullFailure: { message, failedAt: now, delayMs } };
}

export function afterPull(mem: ContainerMemory, imageId: string): ContainerMemory {
  return { ...mem, imageId, pullFailure: undefined };
}

/** Memory after a new instance started; `previous` is the instance it replaced, if any. */
export function afterStart(mem: ContainerMemory, previous: ObservedContainer | undefined, restart: { nextDelayMs: number } | undefined): ContainerMemory {
  const next: ContainerMemory = { ...mem, pullFailure: undefined };
  if (previous?.state === 'exited') next.lastTermination = terminationOf(previous);
  if (restart) {
    next.restartCount = mem.restartCount + 1;
    next.restartDelayMs = restart.nextDelayMs;
  }
  return next;
}
