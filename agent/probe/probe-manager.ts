import type { Container, Pod, Probe } from '../../lib/api';
import type { Clock } from '../../lib/controller';
import type { Logger } from '../../lib/log';
import type { ObservedContainer, ProbeView } from '../pod/pod-model';
import { initialProberState, probeTiming, recordProbeResult, type ProbeKind, type ProberState, type ProbeTiming } from './prober';
import type { ProbeRunner } from './probe-runner';

/** Probe verdicts for the syncer: one view per container, undefined where no probe runs. */
export interface PodProbes {
  views(pod: Pod, containers: Record<string, ObservedContainer | undefined>): Record<string, ProbeView | undefined>;
  forget(podUid: string): void;
}

interface Worker {
  instanceId: string;
  kind: ProbeKind;
  timing: ProbeTiming;
  state: ProberState;
  timer: unknown;
  stopped: boolean;
}

/**
 * Runs the readiness and liveness probes of running container instances on timers. A verdict
 * change calls `onChange(pod)` so the pod is synced (the only way results reach the status).
 * A new instance of a container starts its probers from scratch.
 */
export class ProbeManager implements PodProbes {
  private readonly workers = new Map<string, Worker>();

  constructor(
    private readonly runner: ProbeRunner,
    private readonly clock: Clock,
    private readonly onChange: (pod: Pod) => void,
    private readonly log: Logger,
  ) {}

  views(pod: Pod, containers: Record<string, ObservedContainer | undefined>): Record<string, ProbeView | undefined> {
    const uid = pod.metadata?.uid ?? '';
    const out: Record<string, ProbeView | undefined> = {};
    const live = new Set<string>();
    for (const c of pod.spec?.containers ?? []) {
      const obs = containers[c.name];
      if (obs?.state !== 'running') continue;
      const view: ProbeView = { alive: true };
      for (const [kind, probe] of [['readiness', c.readinessProbe], ['liveness', c.livenessProbe]] as [ProbeKind, Probe | undefined][]) {
        if (!probe) continue;
        const key = `${uid}/${c.name}/${kind}`;
        live.add(key);
        const w = this.ensure(key, pod, c, probe, kind, obs);
        if (kind === 'readiness') view.ready = w.state.verdict;
        else view.alive = w.state.verdict;
      }
      if (c.readinessProbe || c.livenessProbe) out[c.name] = view;
    }
    for (const key of this.workers.keys()) if (key.startsWith(`${uid}/`) && !live.has(key)) this.stop(key);
    return out;
  }

  forget(podUid: string): void {
    for (const key of [...this.workers.keys()]) if (key.startsWith(`${podUid}/`)) this.stop(key);
  }

  private stop(key: string): void {
    const w = this.workers.get(key);
    if (!w) return;
    w.stopped = true;
    this.clock.clearTimeout(w.timer);
    this.workers.delete(key);
  }

  private ensure(key: string, pod: Pod, c: Container, probe: Probe, kind: ProbeKind, obs: ObservedContainer): Worker {
    const existing = this.workers.get(key);
    if (existing && existing.instanceId === obs.id) return existing;
    if (existing) this.stop(key);
    const timing = probeTiming(probe, kind);
    const state = initialProberState(kind, timing, obs.startedAt ?? this.clock.now());
    const w: Worker = { instanceId: obs.id, kind, timing, state, timer: undefined, stopped: false };
    this.workers.set(key, w);
    this.schedule(w, pod, c, probe);
    return w;
  }

  private schedule(w: Worker, pod: Pod, c: Container, probe: Probe): void {
    w.timer = this.clock.setTimeout(
      () => {
        void this.tick(w, pod, c, probe);
      },
      Math.max(0, w.state.nextAt - this.clock.now()),
    );
  }

  private async tick(w: Worker, pod: Pod, c: Container, probe: Probe): Promise<void> {
    const ok = await this.runner.run(pod, c, probe, w.timing.timeoutMs);
    if (w.stopped) return;
    const before = w.state.verdict;
    w.state = recordProbeResult(w.state, w.timing, ok, this.clock.now());
    if (w.state.verdict !== before) {
      this.log.info({ pod: pod.metadata?.name, container: c.name, probe: w.kind, verdict: w.state.verdict }, 'probe verdict changed');
      this.onChange(pod);
    }
    this.schedule(w, pod, c, probe);
  }
}
