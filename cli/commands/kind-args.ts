// kubectl's ways of naming objects on the command line: "KIND NAME...", "KIND/NAME ...".
import { KINDS, resolveKind, type KindName } from '../../lib/api/kinds';
import { BadRequestError } from '../../lib/errors';

export interface ObjectRef {
  kind: KindName;
  name: string;
}

const KNOWN = Object.values(KINDS)
  .map((k) => `${k.plural} (${k.aliases.join(', ')})`)
  .join(', ');

export function kindOrThrow(typed: string): KindName {
  const kind = resolveKind(typed);
  if (!kind) throw new BadRequestError(`the server doesn't have a resource type "${typed}" (berth has ${KNOWN})`);
  return kind;
}

/**
 * `KIND`, `KIND NAME...` or `KIND/NAME...` (kinds may differ in the slash form).
 * Returns the kind (when all refs share one) and the named objects.
 */
export function parseObjectArgs(args: string[]): { kind?: KindName; refs: ObjectRef[] } {
  if (args.length === 0) throw new BadRequestError('you must specify the type of resource, e.g. "berth get pods"');
  if (args[0].includes('/')) {
    const refs = args.map((a) => {
      const i = a.indexOf('/');
      if (i <= 0 || i === a.length - 1) throw new BadRequestError(`"${a}": expected KIND/NAME (all arguments must use this form once one does)`);
      return { kind: kindOrThrow(a.slice(0, i)), name: a.slice(i + 1) };
    });
    const kinds = new Set(refs.map((r) => r.kind));
    return { kind: kinds.size === 1 ? refs[0].kind : undefined, refs };
  }
  const kind = kindOrThrow(args[0]);
  return { kind, refs: args.slice(1).map((name) => ({ kind, name })) };
}
