import { Pod, type ApiClient } from '../../lib/api';
import { NotFoundError } from '../../lib/errors';
import { podStatusWriter } from './status-batcher';

const pod = (name: string, phase: string) => Pod.fromPartial({ metadata: { name, namespace: 'default' }, status: { phase } });

describe('podStatusWriter', () => {
  it('writes pods of one tick in one UpdateStatusMany; each caller gets its own pod or error', async () => {
    const calls: string[][] = [];
    const client = {
      updateStatusMany: async (kind: string, pods: Pod[]) => {
        expect(kind).toBe('pods');
        calls.push(pods.map((p) => p.metadata!.name));
        return pods.map((p) => (p.metadata!.name === 'gone' ? new NotFoundError('pods default/gone not found') : { ...p, metadata: { ...p.metadata!, resourceVersion: '7' } }));
      },
    } as Pick<ApiClient, 'updateStatusMany'>;
    const write = podStatusWriter(client);
    const [a, gone] = [write(pod('a', 'Running')), write(pod('gone', 'Running'))];
    await expect(a).resolves.toMatchObject({ metadata: { name: 'a', resourceVersion: '7' }, status: { phase: 'Running' } });
    await expect(gone).rejects.toBeInstanceOf(NotFoundError);
    expect(calls).toEqual([['a', 'gone']]);
  });
});
