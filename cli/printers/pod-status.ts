// The STATUS, READY and RESTARTS columns of `get pods`, computed as kubectl's printPod does.
import type { Pod } from '../../lib/api/types';
import { humanDuration } from './age';

/** Kubernetes' reason for pods on an unreachable node. */
const NODE_UNREACHABLE = 'NodeLost';

export interface PodSummary {
  /** "Running", "ContainerCreating", "CrashLoopBackOff", "Completed", "Terminating", "ExitCode:1", ... */
  status: string;
  /** "1/2" */
  ready: string;
  /** "3" or "3 (45s ago)" */
  restarts: string;
}

export function podSummary(pod: Pod, now: number): PodSummary {
  const statuses = pod.status?.containerStatuses ?? [];
  let reason = pod.status?.reason || pod.status?.phase || 'Pending';
  let restarts = 0;
  let readyContainers = 0;
  let hasRunning = false;
  let lastRestart: number | undefined;
  for (let i = statuses.length - 1; i >= 0; i--) {
    const c = statuses[i];
    restarts += c.restartCount;
    const finished = c.lastState?.terminated?.finishedAt ? Date.parse(c.lastState.terminated.finishedAt) : NaN;
    if (!Number.isNaN(finished) && (lastRestart === undefined || finished > lastRestart)) lastRestart = finished;
    const { waiting, terminated, running } = c.state ?? {};
    if (waiting?.reason) reason = waiting.reason;
    else if (terminated?.reason) reason = terminated.reason;
    else if (terminated) reason = terminated.signal ? `Signal:${terminated.signal}` : `ExitCode:${terminated.exitCode}`;
    else if (c.ready && running) {
      hasRunning = true;
      readyContainers++;
    }
  }
  if (reason === 'Completed' && hasRunning) {
    const ready = pod.status?.conditions.some((c) => c.type === 'Ready' && c.status === 'True');
    reason = ready ? 'Running' : 'NotReady';
  }
  if (pod.metadata?.deletionTimestamp) reason = pod.status?.reason === NODE_UNREACHABLE ? 'Unknown' : 'Terminating';
  const total = pod.spec?.containers.length ?? statuses.length;
  const restartText = restarts > 0 && lastRestart !== undefined ? `${restarts} (${humanDuration(now - lastRestart)} ago)` : String(restarts);
  return { status: reason, ready: `${readyContainers}/${total}`, restarts: restartText };
}
