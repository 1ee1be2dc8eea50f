// Commands that act on exactly one object of a few kinds: "deploy/web" or "deploy web".
import type { KindName } from '../../lib/api/kinds';
import { BadRequestError } from '../../lib/errors';
import { resourceType } from '../printers/output';
import { parseObjectArgs, type ObjectRef } from './kind-args';

/** Pure: the one object named by `args`, refused unless its kind is one of `allowed`. */
export function oneObject<K extends KindName>(args: string[], allowed: readonly K[], command: string): ObjectRef & { kind: K } {
  const { refs } = parseObjectArgs(args);
  const kinds = allowed.map(resourceType).join(', ');
  if (refs.length !== 1) throw new BadRequestError(`${command} takes exactly one object, e.g. ${resourceType(allowed[0])}/NAME (got ${refs.length})`);
  const ref = refs[0];
  if (!isAllowed(ref.kind, allowed)) throw new BadRequestError(`${command} does not support ${resourceType(ref.kind)}: use ${kinds}`);
  return { kind: ref.kind, name: ref.name };
}

function isAllowed<K extends KindName>(kind: KindName, allowed: readonly K[]): kind is K {
  return (allowed as readonly KindName[]).includes(kind);
}
