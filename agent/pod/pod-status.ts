import { ContainerState, type Condition, type ContainerStatus, type Pod, type PodStatus } from '../../lib/api';
import { isTerminalPhase } from './pod-actions';
import { terminationOf } from './pod-memory';
import type { ObservedContainer, PodMemory, PodObservation, TerminationRecord, WaitingReason } from './pod-model';

export interface PodStatusInput {
  pod: Pod;
  observed: PodObservation;
  memory: PodMemory;
  /** Why containers wait: the plan's reasons overlaid with this sync's failures (ErrImagePull). */
  waiting: Record<string, WaitingReason>;
  now: number;
  hostIp: string;
}

const iso = (ms: number | undefined): string => (ms === undefined ? '' : new Date(ms).toISOString());

function terminatedState(t: TerminationRecord): ContainerState {
  return ContainerState.fromPartial({
    terminated: {
      exitCode: t.exitCode,
      signal: 0,
      reason: t.reason,
      message: '',
      startedAt: iso(t.startedAt),
      finishedAt: iso(t.finishedAt),
      containerId: t.containerId,
    },
  });
}

function containerStatus(input: PodStatusInput, name: string, image: string, hasReadiness: boolean): ContainerStatus {
  const obs: ObservedContainer | undefined = input.observed.containers[name];
  const mem = input.memory.containers[name] ?? { restartCount: 0 };
  const wait = input.waiting[name];
  let state: ContainerState;
  let lastTermination = mem.lastTermination;
  let ready = false;
  if (obs?.state === 'running') {
    state = ContainerState.fromPartial({ running: { startedAt: iso(obs.startedAt) } });
    // A verdict counts when there is one; without a readiness probe a running container is ready.
    ready = input.observed.probes[name]?.ready ?? !hasReadiness;
  } else if (obs?.state === 'exited' && !wait) {
    state = terminatedState(terminationOf(obs));
  } else {
    // Waiting to start or restart: the finished instance, if any, becomes lastState.
    if (obs?.state === 'exited') lastTermination = terminationOf(obs);
    state = ContainerState.fromPartial({ waiting: { reason: wait?.reason ?? 'ContainerCreating', message: wait?.message ?? '' } });
  }
  return {
    name,
    state,
    lastState: lastTermination ? terminatedState(lastTermination) : ContainerState.fromPartial({}),
    ready,
    restartCount: mem.restartCount,
    image,
    imageId: obs?.imageId || mem.imageId || '',
    containerId: obs?.id ?? '',
    started: obs?.state === 'running',
  };
}

/** Kubernetes' getPhase: from the container states and the restart policy. */
export function podPhase(statuses: ContainerStatus[], restartPolicy: string): string {
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const s of statuses) {
    if (s.state?.running) running++;
    else if (s.state?.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.lastState?.terminated) stopped++;
    else waiting++;
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped === 0) return 'Pending';
  if (restartPolicy === 'Always') return 'Running';
  if (stopped === succeeded) return 'Succeeded';
  if (restartPolicy === 'Never') return 'Failed';
  return 'Running';
}

function condition(prev: Condition[], type: string, ok: boolean, now: string, reason = ''): Condition {
  const status = ok ? 'True' : 'False';
  const old = prev.find((c) => c.type === type);
  return {
    type,
    status,
    reason,
    message: '',
    lastTransitionTime: old && old.status === status ? old.lastTransitionTime : now,
    lastUpdateTime: '',
    lastHeartbeatTime: '',
  };
}

/**
 * The status the agent reports for a pod (it is the only writer of phase, container states,
 * podIP and Ready; PodScheduled stays the scheduler's). Pure.
 */
export function computePodStatus(input: PodStatusInput): PodStatus {
  const { pod, observed, now } = input;
  const containers = pod.spec?.containers ?? [];
  const statuses = containers.map((c) => containerStatus(input, c.name, c.image, !!c.readinessProbe));
  const restartPolicy = pod.spec?.restartPolicy || 'Always';
  // Succeeded and Failed are final: a later observation never revives the pod.
  const prevPhase = pod.status?.phase;
  const phase = isTerminalPhase(prevPhase) ? (prevPhase as string) : podPhase(statuses, restartPolicy);
  const deleting = !!pod.metadata?.deletionTimestamp;
  const allReady = statuses.length > 0 && statuses.every((s) => s.ready);
  const nowIso = iso(now);
  const prev = pod.status?.conditions ?? [];
  const terminal = isTerminalPhase(phase);
  const readyReason = terminal ? 'PodCompleted' : allReady ? '' : 'ContainersNotReady';
  return {
    phase,
    conditions: [
      condition(prev, 'Initialized', true, nowIso),
      condition(prev, 'ContainersReady', allReady && !terminal, nowIso, readyReason),
      condition(prev, 'Ready', allReady && !terminal && !deleting, nowIso, deleting ? 'PodTerminating' : readyReason),
    ],
    message: '',
    reason: '',
    hostIp: input.hostIp,
    podIp: observed.sandbox?.ip ?? pod.status?.podIp ?? '',
    startTime: iso(input.memory.startedAt) || (pod.status?.startTime ?? ''),
    containerStatuses: statuses,
  };
}
