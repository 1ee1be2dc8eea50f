import type { ApiClient, Pod } from '../../lib/api';
import { Batcher, type BatcherOptions } from '../../lib/controller';

/**
 * The agent's pod status writes through one Batcher: a process serving hundreds of hollow nodes
 * (or one busy real node) sends what its workers wrote meanwhile in one UpdateStatusMany, with
 * at most `maxInFlight` calls out (default 3), and sends at once when nothing is in flight.
 * The returned writer resolves to the stored pod or rejects with that pod's typed error.
 */
export function podStatusWriter(client: Pick<ApiClient, 'updateStatusMany'>, o: BatcherOptions = {}): (pod: Pod) => Promise<Pod> {
  const batcher = new Batcher<Pod>((pods) => client.updateStatusMany('pods', pods), o);
  return (pod) => batcher.write(pod);
}
