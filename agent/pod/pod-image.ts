import type { Container, Pod } from '../../lib/api';

/** Pod annotation (copied from the ReplicaSet) with the digest each container's tag resolved to. */
export const IMAGE_DIGESTS_ANNOTATION = 'berth.dev/image-digests';

/** The image reference to run: the revision's resolved digest when recorded, else the image as written. */
export function imageToRun(pod: Pod, container: Container): string {
  const raw = pod.metadata?.annotations?.[IMAGE_DIGESTS_ANNOTATION];
  if (raw) {
    try {
      const digests = JSON.parse(raw) as Record<string, unknown>;
      const pinned = digests[container.name];
      if (typeof pinned === 'string' && pinned) return pinned;
    } catch {
      // a malformed annotation is ignored: the image as written still runs
    }
  }
  return container.image;
}

/** Kubernetes' pull policy decision, given whether the image is already in the local store. */
export function needsPull(policy: string, image: string, present: boolean): boolean {
  if (policy === 'Never') return false;
  if (policy === 'IfNotPresent' || image.includes('@sha256:')) return !present;
  return true;
}
