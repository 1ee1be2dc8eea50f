// Which container of a pod `berth logs` and `berth exec` talk to. Pure.
import type { Pod } from '../../lib/api/types';
import { BadRequestError, NotFoundError } from '../../lib/errors';

/** kubectl's annotation naming the container to use when -c is not given. */
export const DEFAULT_CONTAINER_ANNOTATION = 'kubectl.kubernetes.io/default-container';

/** -c when given (it must exist); else the only container, or the annotated default. */
export function pickContainer(pod: Pod, requested: string | undefined): string {
  const podName = pod.metadata?.name ?? '';
  const names = (pod.spec?.containers ?? []).map((c) => c.name);
  const list = names.join(', ');
  if (requested) {
    if (!names.includes(requested)) throw new NotFoundError(`container ${requested} is not valid for pod ${podName}: choose one of: [${list}]`);
    return requested;
  }
  if (names.length === 1) return names[0];
  const annotated = pod.metadata?.annotations?.[DEFAULT_CONTAINER_ANNOTATION];
  if (annotated && names.includes(annotated)) return annotated;
  if (names.length === 0) throw new NotFoundError(`pod ${podName} has no containers`);
  throw new BadRequestError(`a container name must be specified for pod ${podName}, choose one of: [${list}] (-c NAME)`);
}
