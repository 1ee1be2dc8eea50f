import type { Container, Pod } from '../../lib/api';
import { backoffGate, type BackoffConfig } from './backoff';
import { imageToRun, needsPull } from './pod-image';
import type { ContainerMemory, ObservedContainer, PodAction, PodMemory, PodObservation, PodPlan, WaitingReason } from './pod-model';

/** Whether an exited container runs again under the pod's restart policy. */
export function shouldRestart(restartPolicy: string, exitCode: number | undefined): boolean {
  if (restartPolicy === 'Never') return false;
  if (restartPolicy === 'OnFailure') return exitCode !== 0;
  return true;
}

export function isTerminalPhase(phase: string | undefined): boolean {
  return phase === 'Succeeded' || phase === 'Failed';
}

/**
 * One reconcile step for a pod on this node: desired spec + observed containers + remembered
 * back-off → the actions to take now, why the others wait, and when to look again.
 * Pure (STYLE.md 1): the pod worker applies the plan.
 */
export function computePodActions(pod: Pod, observed: PodObservation, now: number, memory: PodMemory, cfg: BackoffConfig): PodPlan {
  if (pod.metadata?.deletionTimestamp) return { actions: [{ type: 'terminatePod' }], waiting: {} };
  const plan: PodPlan = { actions: [], waiting: {} };
  if (isTerminalPhase(pod.status?.phase)) return plan;
  if (!observed.sandbox) plan.actions.push({ type: 'createSandbox' });
  const restartPolicy = pod.spec?.restartPolicy || 'Always';
  (pod.spec?.containers ?? []).forEach((c, index) => {
    planContainer(plan, pod, c, index, observed.containers[c.name], observed, memory.containers[c.name] ?? { restartCount: 0 }, restartPolicy, now, cfg);
  });
  return plan;
}

function requeueAt(plan: PodPlan, at: number, now: number): void {
  const after = Math.max(0, at - now);
  plan.requeueAfterMs = plan.requeueAfterMs === undefined ? after : Math.min(plan.requeueAfterMs, after);
}

function planContainer(
  plan: PodPlan,
  pod: Pod,
  c: Container,
  index: number,
  obs: ObservedContainer | undefined,
  observed: PodObservation,
  mem: ContainerMemory,
  restartPolicy: string,
  now: number,
  cfg: BackoffConfig,
): void {
  if (obs?.state === 'running') {
    if (observed.probes[c.name]?.alive === false) plan.actions.push({ type: 'killContainer', container: c.name, reason: 'LivenessProbeFailed' });
    return;
  }
  let restart: { nextDelayMs: number } | undefined;
  if (obs?.state === 'exited') {
    if (!shouldRestart(restartPolicy, obs.exitCode)) return;
    const finishedAt = obs.finishedAt ?? now;
    const gate = backoffGate(mem.restartDelayMs, finishedAt, finishedAt - (obs.startedAt ?? finishedAt), cfg);
    if (gate.notBefore > now) {
      plan.waiting[c.name] = crashLoop(pod, c, gate.notBefore - finishedAt);
      requeueAt(plan, gate.notBefore, now);
      return;
    }
    restart = { nextDelayMs: gate.nextDelayMs };
  }
  // A 'created' instance never started (the agent died between create and start): replace it.
  const image = imageToRun(pod, c);
  const present = observed.imagePresent[c.name] ?? false;
  const policy = c.imagePullPolicy || 'IfNotPresent';
  if (policy === 'Never' && !present) {
    plan.waiting[c.name] = { reason: 'ErrImageNeverPull', message: `image "${image}" is not present with pull policy of Never` };
    return;
  }
  if (needsPull(policy, image, present)) {
    const failure = mem.pullFailure;
    if (failure) {
      const gate = backoffGate(failure.delayMs, failure.failedAt, 0, cfg);
      if (gate.notBefore > now) {
        plan.waiting[c.name] = { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}": ${failure.message}` };
        requeueAt(plan, gate.notBefore, now);
        return;
      }
    }
    plan.actions.push({ type: 'pullImage', container: c.name, image });
  }
  plan.waiting[c.name] = { reason: 'ContainerCreating' };
  plan.actions.push({ type: 'startContainer', container: c.name, index, ...(restart ? { restart } : {}) });
}

function crashLoop(pod: Pod, c: Container, delayMs: number): WaitingReason {
  const seconds = Math.round(delayMs / 1000);
  return { reason: 'CrashLoopBackOff', message: `back-off ${seconds}s restarting failed container=${c.name} pod=${pod.metadata?.name}_${pod.metadata?.namespace}(${pod.metadata?.uid})` };
}

export type { PodAction };
