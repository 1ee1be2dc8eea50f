import type { ITxnRequest, ITxnResponse } from 'etcd3/lib/rpc';
import { GroupCommitter } from './group-commit';

const range = (key: string) => ({ request_range: { key: Buffer.from(key) } });

test('a flat committer sends reads as one txn of ranges and gives each read its own response', async () => {
  const sent: ITxnRequest[] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const reads = new GroupCommitter(
    async (req) => {
      sent.push(req);
      await gate;
      return { header: { revision: '9' }, succeeded: true, responses: (req.success ?? []).map((op) => ({ response_range: { kvs: [{ key: (op as { request_range: { key: Buffer } }).request_range.key }] } })) } as unknown as ITxnResponse;
    },
    { maxInFlight: 1, flat: true },
  );
  const keys = ['a', 'b', 'c', 'd'];
  const results = keys.map((k) => reads.submit({ keys: [], compare: [], success: [range(k)], bytes: 0 }));
  release();
  const got = await Promise.all(results);
  // The first went alone; the three queued behind it share one flat txn.
  expect(sent).toHaveLength(2);
  expect(sent[1].success?.map((op) => Object.keys(op))).toEqual([['request_range'], ['request_range'], ['request_range']]);
  expect(got.map((r) => (r.responses[0] as { response_range: { kvs: { key: Buffer }[] } }).response_range.kvs[0].key.toString())).toEqual(keys);
  await expect(reads.submit({ keys: ['x'], compare: [{ key: Buffer.from('x'), target: 'Mod', result: 'Equal', mod_revision: '1' }], success: [range('x')], bytes: 0 })).rejects.toThrow(/without compares/);
});
