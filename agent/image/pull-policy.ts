import type { Reference } from '../../lib/image/reference';

export type PullPolicy = 'Always' | 'IfNotPresent' | 'Never';

/** Kubernetes' default: Always for `:latest` or no tag (unless pinned by digest), else IfNotPresent. */
export function defaultPullPolicy(ref: Pick<Reference, 'tag' | 'digest'>): PullPolicy {
  if (ref.digest !== undefined) return 'IfNotPresent';
  return ref.tag === undefined || ref.tag === 'latest' ? 'Always' : 'IfNotPresent';
}

/** Whether to contact the registry. Pure. */
export function shouldPull(policy: PullPolicy | '' | undefined, ref: Pick<Reference, 'tag' | 'digest'>, haveImage: boolean): boolean {
  switch (policy || defaultPullPolicy(ref)) {
    case 'Always':
      return true;
    case 'Never':
      return false;
    default:
      return !haveImage;
  }
}
