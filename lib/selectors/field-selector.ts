import { BadRequestError } from '../errors';

// Field selectors: "spec.nodeName=n1,status.phase!=Running" with =, == and !=, over the few
// fields berth indexes (as Kubernetes supports only a few per kind).

export const SELECTABLE_FIELDS = ['metadata.name', 'metadata.namespace', 'spec.nodeName', 'status.phase'] as const;
export type SelectableField = (typeof SELECTABLE_FIELDS)[number];
export type FieldValues = Readonly<Partial<Record<SelectableField, string>>>;

export interface FieldRequirement {
  field: SelectableField;
  equals: boolean;
  value: string;
}

export interface FieldMatcher {
  readonly requirements: readonly FieldRequirement[];
  readonly empty: boolean;
  matches(fields: FieldValues): boolean;
  /** The value a field must equal ("spec.nodeName=n1" → "n1"), if the selector pins one. */
  pinned(field: SelectableField): string | undefined;
}

export function parseFieldSelector(input: string): FieldMatcher {
  const reqs: FieldRequirement[] = [];
  for (const raw of input.split(',')) {
    const part = raw.trim();
    if (part === '') {
      if (input.trim() === '') break;
      throw new BadRequestError(`field selector "${input}": empty requirement`);
    }
    const m = /^([^=!\s]+)\s*(==|!=|=)\s*(.*)$/.exec(part);
    if (!m) throw new BadRequestError(`field selector "${input}": "${part}" is not field=value, field==value or field!=value`);
    const field = m[1] as SelectableField;
    if (!SELECTABLE_FIELDS.includes(field)) {
      throw new BadRequestError(`field selector "${input}": field "${m[1]}" is not supported (supported: ${SELECTABLE_FIELDS.join(', ')})`);
    }
    reqs.push({ field, equals: m[2] !== '!=', value: m[3] });
  }
  return {
    requirements: reqs,
    empty: reqs.length === 0,
    matches: (fields) => reqs.every((r) => ((fields[r.field] ?? '') === r.value) === r.equals),
    pinned: (field) => reqs.find((r) => r.field === field && r.equals)?.value,
  };
}
