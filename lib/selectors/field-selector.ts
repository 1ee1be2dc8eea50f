import { BadRequestError } from '../errors';

// Field selectors: "spec.nodeName=n1,status.phase!=Running" with =, == and !=, over the few
// fields berth indexes (as Kubernetes supports only a few per kind). Beyond Kubernetes, a set
// form "spec.nodeName in (n1,n2)" / "notin (...)": one agent process serving many (hollow)
// nodes watches just their pods instead of every pod of the cluster.

export const SELECTABLE_FIELDS = ['metadata.name', 'metadata.namespace', 'spec.nodeName', 'status.phase'] as const;
export type SelectableField = (typeof SELECTABLE_FIELDS)[number];
export type FieldValues = Readonly<Partial<Record<SelectableField, string>>>;

export interface FieldRequirement {
  field: SelectableField;
  /** = and in: the field's value is one of `values`; != and notin: it is none of them. */
  equals: boolean;
  values: ReadonlySet<string>;
}

export interface FieldMatcher {
  readonly requirements: readonly FieldRequirement[];
  readonly empty: boolean;
  matches(fields: FieldValues): boolean;
  /** The values a field is limited to ("spec.nodeName=n1" → ["n1"]; "in (a,b)" → ["a","b"]), if the selector limits it. */
  pinned(field: SelectableField): readonly string[] | undefined;
}

/** The selector's requirements: commas inside a set's parentheses do not separate requirements. */
function splitRequirements(input: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(input.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(input.slice(start));
  return parts;
}

export function parseFieldSelector(input: string): FieldMatcher {
  const reqs: FieldRequirement[] = [];
  const fail = (msg: string): never => {
    throw new BadRequestError(`field selector "${input.length > 200 ? `${input.slice(0, 200)}…` : input}": ${msg}`);
  };
  for (const raw of splitRequirements(input)) {
    const part = raw.trim();
    if (part === '') {
      if (input.trim() === '') break;
      fail('empty requirement');
    }
    const set = /^([^=!\s(]+)\s+(in|notin)\s*\((.*)\)$/.exec(part);
    const m = set ? undefined : /^([^=!\s]+)\s*(==|!=|=)\s*(.*)$/.exec(part);
    if (!set && !m) fail(`"${part}" is not field=value, field==value, field!=value, field in (a,b) or field notin (a,b)`);
    const name = (set ?? m)![1];
    const field = name as SelectableField;
    if (!SELECTABLE_FIELDS.includes(field)) fail(`field "${name}" is not supported (supported: ${SELECTABLE_FIELDS.join(', ')})`);
    if (set) {
      const values = set[3].split(',').map((v) => v.trim());
      if (values.some((v) => v === '')) fail(`the set of "${name}" has an empty value: list values as ${name} ${set[2]} (a,b)`);
      reqs.push({ field, equals: set[2] === 'in', values: new Set(values) });
    } else {
      reqs.push({ field, equals: m![2] !== '!=', values: new Set([m![3]]) });
    }
  }
  return {
    requirements: reqs,
    empty: reqs.length === 0,
    matches: (fields) => reqs.every((r) => r.values.has(fields[r.field] ?? '') === r.equals),
    pinned: (field) => {
      const r = reqs.find((x) => x.field === field && x.equals);
      return r ? [...r.values] : undefined;
    },
  };
}
