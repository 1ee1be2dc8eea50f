// `berth set image deploy/web web=app:2.0 [*=app:2.0]`: parsing and applying. Pure.
import type { PodTemplateSpec } from '../../lib/api/types';
import { BadRequestError, NotFoundError } from '../../lib/errors';
import { parseReference } from '../../lib/image/reference';

/** container name ("*": every container) → image. */
export type ImageUpdates = Map<string, string>;

/** Splits CONTAINER=IMAGE pairs; every image must be a valid reference. */
export function parseImageArgs(pairs: readonly string[]): ImageUpdates {
  if (pairs.length === 0) throw new BadRequestError('at least one CONTAINER=IMAGE is required, e.g. web=app:2.0');
  const updates: ImageUpdates = new Map();
  for (const p of pairs) {
    const eq = p.indexOf('=');
    if (eq <= 0 || eq === p.length - 1) throw new BadRequestError(`"${p}": expected CONTAINER=IMAGE`);
    const container = p.slice(0, eq);
    const image = p.slice(eq + 1);
    parseReference(image);
    if (updates.has(container)) throw new BadRequestError(`container "${container}" is given twice`);
    updates.set(container, image);
  }
  return updates;
}

/** The template with the new images; undefined when every image already is as asked. */
export function withImages(t: PodTemplateSpec | undefined, updates: ImageUpdates): PodTemplateSpec | undefined {
  const containers = t?.spec?.containers ?? [];
  const names = new Set(containers.map((c) => c.name));
  for (const name of updates.keys()) {
    if (name !== '*' && !names.has(name)) throw new NotFoundError(`unable to find container named "${name}" (containers: ${[...names].join(', ') || 'none'})`);
  }
  const imageFor = (name: string) => updates.get(name) ?? updates.get('*');
  if (containers.every((c) => (imageFor(c.name) ?? c.image) === c.image)) return undefined;
  return { metadata: t?.metadata, spec: t?.spec && { ...t.spec, containers: containers.map((c) => ({ ...c, image: imageFor(c.name) ?? c.image })) } };
}
