// What `berth rollout undo` goes back to, and the Deployment it writes. Pure.
import type { Deployment } from '../../lib/api/types';
import { BadRequestError, NotFoundError } from '../../lib/errors';
import { CHANGE_CAUSE_ANNOTATION, findRevision, findRevisionByTag, previousRevision, rollbackTemplate, sameTemplate, type Revision } from '../../lib/rollout';

export interface UndoChoice {
  /** 0 or absent: the revision before the current one. */
  toRevision?: number;
  toTag?: string;
}

/** The revision running now: the one whose template the Deployment holds, else the newest. */
export function currentRevision(d: Deployment, revisions: readonly Revision[]): number {
  const same = revisions.filter((r) => sameTemplate(r.replicaSet.spec?.template, d.spec?.template));
  const pool = same.length > 0 ? same : revisions;
  return pool.reduce((max, r) => Math.max(max, r.revision), 0);
}

/** The revision to roll back to, or a NotFoundError that says what history there is. */
export function undoTarget(d: Deployment, revisions: readonly Revision[], choice: UndoChoice): Revision {
  const name = d.metadata?.name ?? '';
  if (choice.toRevision && choice.toTag) throw new BadRequestError('give --to-revision or --to-tag, not both');
  if (revisions.length === 0) throw new NotFoundError(`no rollout history found for deployment "${name}"`);
  const known = revisions.map((r) => r.revision).join(', ');
  if (choice.toTag) {
    const r = findRevisionByTag(revisions, choice.toTag);
    if (!r) throw new NotFoundError(`no revision of deployment "${name}" ran tag "${choice.toTag}" (see 'berth rollout history deploy/${name}')`);
    return r;
  }
  if (choice.toRevision) {
    const r = findRevision(revisions, choice.toRevision);
    if (!r) throw new NotFoundError(`unable to find specified revision ${choice.toRevision} of deployment "${name}" in history (revisions: ${known})`);
    return r;
  }
  const current = currentRevision(d, revisions);
  const prev = previousRevision(revisions, current);
  if (!prev) throw new NotFoundError(`no revision of deployment "${name}" before revision ${current} (revisions: ${known})`);
  return prev;
}

/**
 * The Deployment with the revision's template (hash label dropped) and its change cause, as
 * kubectl's rollback does; undefined when it already runs that template.
 */
export function rolledBack(d: Deployment, target: Revision): Deployment | undefined {
  const template = rollbackTemplate(target);
  if (!template || sameTemplate(template, d.spec?.template)) return undefined;
  const annotations = { ...(d.metadata?.annotations ?? {}) };
  if (target.changeCause) annotations[CHANGE_CAUSE_ANNOTATION] = target.changeCause;
  else delete annotations[CHANGE_CAUSE_ANNOTATION];
  return { ...d, metadata: d.metadata && { ...d.metadata, annotations }, spec: d.spec && { ...d.spec, template } };
}
