import { Condition, Deployment, Pod } from '../../lib/api/types';
import { mergeConditions, planDelete } from './object-rules';
import { decodeContinue, encodeContinue } from './continue-token';
import { enqueue, takeBatch, type TxnOp } from './group-commit';
import { BadRequestError } from '../../lib/errors';

const c = (type: string, status: string, t = ''): Condition => Condition.fromPartial({ type, status, lastTransitionTime: t });

describe('mergeConditions', () => {
  const now = '2025-01-01T00:00:00.000Z';
  test.each([
    ['adds a new type', [c('Ready', 'False', 't0')], [c('Scheduled', 'True')], ['Ready=False@t0', `Scheduled=True@${now}`]],
    ['replaces the same type, keeps others', [c('Ready', 'False', 't0'), c('A', 'True', 't1')], [c('Ready', 'True')], [`Ready=True@${now}`, 'A=True@t1']],
    ['same status keeps the transition time', [c('Ready', 'True', 't0')], [c('Ready', 'True', 't9')], ['Ready=True@t0']],
    ['empty incoming keeps all', [c('Ready', 'True', 't0')], [], ['Ready=True@t0']],
  ])('%s', (_, stored, incoming, want) => {
    expect(mergeConditions(stored, incoming, now).map((x) => `${x.type}=${x.status}@${x.lastTransitionTime}`)).toEqual(want);
  });
});

describe('planDelete', () => {
  const now = new Date('2025-01-01T00:00:00Z');
  const pod = (nodeName: string, finalizers: string[] = [], deletionTimestamp = '') =>
    Pod.fromPartial({ metadata: { name: 'p', finalizers, deletionTimestamp, deletionGracePeriodSeconds: deletionTimestamp ? 30 : 0 }, spec: { nodeName } });
  const bg = { propagationPolicy: '', force: false };
  test.each([
    ['unbound pod goes at once', pod(''), bg, 'remove'],
    ['bound pod is marked', pod('n1'), bg, 'mark'],
    ['bound pod: agent confirms', pod('n1', [], 'x'), { ...bg, force: true, gracePeriodSeconds: 0 }, 'remove'],
    ['finalizer holds an unbound pod', pod('', ['f']), bg, 'mark'],
    ['repeated delete changes nothing', pod('n1', [], 'x'), bg, 'none'],
    ['confirmation waits for finalizers', pod('n1', ['f'], 'x'), { ...bg, force: true, gracePeriodSeconds: 0 }, 'mark'],
  ])('%s', (_, obj, opts, want) => expect(planDelete('pods', obj, opts, now).action).toBe(want));

  test('Foreground and Orphan add their finalizers', () => {
    const d = Deployment.fromPartial({ metadata: { name: 'd' } });
    const fg = planDelete('deployments', d, { propagationPolicy: 'Foreground', force: false }, now);
    expect(fg.action === 'mark' && fg.object.metadata!.finalizers).toEqual(['foregroundDeletion']);
    const or = planDelete('deployments', d, { propagationPolicy: 'Orphan', force: false }, now);
    expect(or.action === 'mark' && or.object.metadata!.finalizers).toEqual(['orphan']);
    expect(planDelete('deployments', d, { propagationPolicy: 'Background', force: false }, now).action).toBe('remove');
  });
});

describe('continue tokens', () => {
  test('round trip', () => {
    const t = encodeContinue({ key: '/registry/pods/default/x', rev: '42' });
    expect(decodeContinue(t, '/registry/pods/')).toEqual({ key: '/registry/pods/default/x', rev: '42' });
  });
  test.each([
    ['garbage', '/registry/pods/'],
    [encodeContinue({ key: '/registry/pods/a/x', rev: '42' }), '/registry/nodes/'],
    [Buffer.from(JSON.stringify({ v: 1, k: '/registry/pods/x', r: 'abc' })).toString('base64url'), '/registry/pods/'],
  ])('%s is refused', (token, prefix) => expect(() => decodeContinue(token, prefix)).toThrow(BadRequestError));
});

describe('takeBatch', () => {
  const op = (key: string, bytes = 1): { op: TxnOp } => ({ op: { keys: [key], compare: [], success: [], bytes } });
  test('never puts one key twice in a batch, respects op and byte limits', () => {
    const q = [op('a'), op('b'), op('a'), op('c'), op('d')];
    expect(takeBatch(q, 3, 100).map((p) => p.op.keys[0])).toEqual(['a', 'b', 'c']);
    expect(q.map((p) => p.op.keys[0])).toEqual(['a', 'd']);
    const big = [op('x', 60), op('y', 60), op('z', 10)];
    expect(takeBatch(big, 10, 100).map((p) => p.op.keys[0])).toEqual(['x', 'z']);
    expect(takeBatch([op('huge', 500)], 10, 100)).toHaveLength(1);
  });
});

describe('enqueue', () => {
  const op = (key: string, urgent = false): { op: TxnOp } => ({ op: { keys: [key], compare: [], success: [], bytes: 1, urgent } });
  test('urgent ops (leases) go ahead of ordinary ones, in their own order; ordinary ones stay FIFO', () => {
    const q: { op: TxnOp }[] = [];
    for (const item of [op('pod-1'), op('pod-2'), op('lease-a', true), op('pod-3'), op('lease-b', true)]) enqueue(q, item);
    expect(q.map((p) => p.op.keys[0])).toEqual(['lease-a', 'lease-b', 'pod-1', 'pod-2', 'pod-3']);
    expect(takeBatch(q, 3, 100).map((p) => p.op.keys[0])).toEqual(['lease-a', 'lease-b', 'pod-1']);
  });
});
