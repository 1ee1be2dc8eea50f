import type { ControllerPod as Pod } from '../pod-view';

/** A new-revision pod crash-loops: some container restarted 3+ times or waits in CrashLoopBackOff. */
export function isCrashLooping(p: Pod): boolean {
  return (p.status?.containerStatuses ?? []).some((c) => c.restartCount >= 3 || c.state?.waiting?.reason === 'CrashLoopBackOff');
}
