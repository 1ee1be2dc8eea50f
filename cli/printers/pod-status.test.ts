import { Pod, type ContainerStatus } from '../../lib/api/types';
import type { DeepPartial } from '../../proto/gen/berth/v1/workloads';
import { podSummary } from './pod-status';

const NOW = Date.parse('2024-05-01T12:00:00Z');
const mk = (phase: string, statuses: DeepPartial<ContainerStatus>[], extra: { deletion?: boolean; reason?: string; readyCondition?: boolean; containers?: number } = {}) =>
  Pod.fromPartial({
    metadata: { name: 'p', deletionTimestamp: extra.deletion ? '2024-05-01T11:59:00Z' : '' },
    spec: { containers: Array.from({ length: extra.containers ?? statuses.length }, (_, i) => ({ name: `c${i}`, image: 'x' })) },
    status: { phase, reason: extra.reason ?? '', containerStatuses: statuses, conditions: extra.readyCondition ? [{ type: 'Ready', status: 'True' }] : [] },
  });

describe('podSummary (kubectl STATUS / READY / RESTARTS)', () => {
  test.each<[string, Pod, string, string, string]>([
    ['no status yet', mk('', [], { containers: 1 }), 'Pending', '0/1', '0'],
    ['pending, not pulled yet', mk('Pending', [{ name: 'c0', state: { waiting: { reason: 'ContainerCreating' } } }]), 'ContainerCreating', '0/1', '0'],
    ['image pull failed', mk('Pending', [{ name: 'c0', state: { waiting: { reason: 'ErrImagePull', message: 'not found' } } }]), 'ErrImagePull', '0/1', '0'],
    ['running and ready', mk('Running', [{ name: 'c0', ready: true, state: { running: { startedAt: '2024-05-01T11:00:00Z' } } }]), 'Running', '1/1', '0'],
    ['running, not ready', mk('Running', [{ name: 'c0', ready: false, state: { running: {} } }]), 'Running', '0/1', '0'],
    ['crash loop with restarts', mk('Running', [{ name: 'c0', restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, finishedAt: '2024-05-01T11:59:15Z' } } }]), 'CrashLoopBackOff', '0/1', '4 (45s ago)'],
    ['completed', mk('Succeeded', [{ name: 'c0', state: { terminated: { exitCode: 0, reason: 'Completed' } } }]), 'Completed', '0/1', '0'],
    ['terminated without reason, exit code', mk('Failed', [{ name: 'c0', state: { terminated: { exitCode: 2 } } }]), 'ExitCode:2', '0/1', '0'],
    ['terminated by signal', mk('Failed', [{ name: 'c0', state: { terminated: { exitCode: 137, signal: 9 } } }]), 'Signal:9', '0/1', '0'],
    ['one completed, one running, pod ready', mk('Running', [{ name: 'c0', state: { terminated: { reason: 'Completed' } } }, { name: 'c1', ready: true, state: { running: {} } }], { readyCondition: true }), 'Running', '1/2', '0'],
    ['one completed, one running, pod not ready', mk('Running', [{ name: 'c0', state: { terminated: { reason: 'Completed' } } }, { name: 'c1', ready: true, state: { running: {} } }]), 'NotReady', '1/2', '0'],
    ['the first container decides (kubectl walks backwards)', mk('Pending', [{ name: 'c0', state: { waiting: { reason: 'ErrImagePull' } } }, { name: 'c1', state: { waiting: { reason: 'ContainerCreating' } } }]), 'ErrImagePull', '0/2', '0'],
    ['being deleted', mk('Running', [{ name: 'c0', ready: true, state: { running: {} } }], { deletion: true }), 'Terminating', '1/1', '0'],
    ['deleted on a lost node', mk('Running', [], { deletion: true, reason: 'NodeLost', containers: 1 }), 'Unknown', '0/1', '0'],
    ['pod-level reason wins over phase', mk('Failed', [], { reason: 'Evicted', containers: 1 }), 'Evicted', '0/1', '0'],
    ['restarts summed over containers', mk('Running', [{ name: 'c0', restartCount: 1, ready: true, state: { running: {} } }, { name: 'c1', restartCount: 2, ready: true, state: { running: {} } }]), 'Running', '2/2', '3'],
  ])('%s', (_what, pod, status, ready, restarts) => {
    expect(podSummary(pod, NOW)).toEqual({ status, ready, restarts });
  });
});
