import type { Deployment, PodTemplateSpec, ReplicaSet } from '../api';
import { parseReference } from '../image/reference';
import { CHANGE_CAUSE_ANNOTATION, IMAGE_DIGESTS_ANNOTATION, REVISION_ANNOTATION, userTemplate } from './template-hash';

export interface Revision {
  revision: number;
  replicaSet: ReplicaSet;
  /** container → image as the user wrote it ("app:1.0"). */
  images: Record<string, string>;
  /** container → resolved "repo@sha256:…" recorded when the revision was created. */
  digests: Record<string, string>;
  changeCause: string;
}

export function revisionOf(rs: ReplicaSet): number {
  const n = Number(rs.metadata?.annotations?.[REVISION_ANNOTATION] ?? '');
  return Number.isInteger(n) && n > 0 ? n : 0;
}

export function digestsOf(rs: ReplicaSet): Record<string, string> {
  const raw = rs.metadata?.annotations?.[IMAGE_DIGESTS_ANNOTATION];
  if (!raw) return {};
  try {
    return JSON.parse(raw) as Record<string, string>;
  } catch {
    return {};
  }
}

/** The revisions of a Deployment, oldest first, from the ReplicaSets it controls. */
export function revisionsOf(deploy: Deployment, replicaSets: readonly ReplicaSet[]): Revision[] {
  const uid = deploy.metadata?.uid;
  return replicaSets
    .filter((rs) => rs.metadata?.ownerReferences?.some((r) => r.controller && r.uid === uid))
    .map((rs) => ({
      revision: revisionOf(rs),
      replicaSet: rs,
      images: Object.fromEntries((rs.spec?.template?.spec?.containers ?? []).map((c) => [c.name, c.image])),
      digests: digestsOf(rs),
      changeCause: rs.metadata?.annotations?.[CHANGE_CAUSE_ANNOTATION] ?? '',
    }))
    .filter((r) => r.revision > 0)
    .sort((a, b) => a.revision - b.revision);
}

export function findRevision(revisions: readonly Revision[], n: number): Revision | undefined {
  return revisions.find((r) => r.revision === n);
}

/** The newest revision older than `current` (what `rollout undo` goes back to). */
export function previousRevision(revisions: readonly Revision[], current: number): Revision | undefined {
  let best: Revision | undefined;
  for (const r of revisions) if (r.revision < current && (!best || r.revision > best.revision)) best = r;
  return best;
}

function tagOf(image: string): string | undefined {
  try {
    return parseReference(image).tag;
  } catch {
    return undefined;
  }
}

/**
 * The newest revision whose images ran tag `tag` ("1.0", or "app:1.0" to name the repository
 * too); `container` narrows it to one container.
 */
export function findRevisionByTag(revisions: readonly Revision[], tag: string, container?: string): Revision | undefined {
  const wantRepo = tag.includes(':') ? safeName(tag) : undefined;
  const wantTag = wantRepo ? tagOf(tag) : tag;
  for (let i = revisions.length - 1; i >= 0; i--) {
    const r = revisions[i];
    for (const [name, image] of Object.entries(r.images)) {
      if (container && name !== container) continue;
      if (tagOf(image) !== wantTag) continue;
      if (wantRepo && safeName(image) !== wantRepo) continue;
      return r;
    }
  }
  return undefined;
}

function safeName(image: string): string | undefined {
  try {
    return parseReference(image).name;
  } catch {
    return undefined;
  }
}

/** The template to put back into the Deployment for a rollback (kubectl's undo drops the hash label). */
export function rollbackTemplate(r: Revision): PodTemplateSpec | undefined {
  return userTemplate(r.replicaSet.spec?.template);
}
