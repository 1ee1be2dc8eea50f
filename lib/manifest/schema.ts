// The known fields of every API message, derived from the ts-proto descriptors in proto/gen
// (outputSchema) so the manifest checker never drifts from the contract.
import { protoMetadata as metaFile } from '../../proto/gen/berth/v1/meta';
import { protoMetadata as workloadsFile } from '../../proto/gen/berth/v1/workloads';
import { protoMetadata as clusterFile } from '../../proto/gen/berth/v1/cluster';

export type ScalarType = 'string' | 'bool' | 'int' | 'float';

export type FieldType =
  | { kind: 'scalar'; scalar: ScalarType }
  | { kind: 'message'; message: string }
  | { kind: 'map'; value: FieldType };

export interface FieldSchema {
  /** The proto3 JSON name (camelCase), as in manifests. */
  jsonName: string;
  repeated: boolean;
  type: FieldType;
}

export interface MessageSchema {
  /** Short name: "Pod", "Container", "ResourceRequirements.LimitsEntry". */
  name: string;
  fields: Map<string, FieldSchema>;
}

// google.protobuf.FieldDescriptorProto.Type values.
const TYPE_MESSAGE = 11;
const LABEL_REPEATED = 3;
const SCALARS: Record<number, ScalarType> = { 1: 'float', 2: 'float', 3: 'int', 4: 'int', 5: 'int', 8: 'bool', 9: 'string', 13: 'int', 15: 'int', 16: 'int', 17: 'int', 18: 'int', 6: 'int', 7: 'int' };

interface RawField {
  name: string;
  jsonName: string;
  label: number;
  type: number;
  typeName: string;
}
interface RawMessage {
  name: string;
  field: RawField[];
  nestedType: RawMessage[];
  options?: { mapEntry?: boolean } | undefined;
}

function collect(prefix: string, messages: RawMessage[], out: Map<string, RawMessage>): void {
  for (const m of messages) {
    const full = `${prefix}.${m.name}`;
    out.set(full, m);
    collect(full, m.nestedType, out);
  }
}

function build(): Map<string, MessageSchema> {
  const raw = new Map<string, RawMessage>();
  for (const file of [metaFile, workloadsFile, clusterFile]) {
    const fd = file.fileDescriptor as unknown as { package: string; messageType: RawMessage[] };
    collect(`.${fd.package}`, fd.messageType, raw);
  }
  const short = (full: string) => full.replace(/^\.berth\.v1\./, '');
  const typeOf = (f: RawField): FieldType => {
    if (f.type !== TYPE_MESSAGE) return { kind: 'scalar', scalar: SCALARS[f.type] ?? 'string' };
    const target = raw.get(f.typeName);
    if (target?.options?.mapEntry) return { kind: 'map', value: typeOf(target.field[1]) };
    return { kind: 'message', message: short(f.typeName) };
  };
  const schemas = new Map<string, MessageSchema>();
  for (const [full, m] of raw) {
    if (m.options?.mapEntry) continue;
    const fields = new Map<string, FieldSchema>();
    for (const f of m.field) {
      const type = typeOf(f);
      fields.set(f.jsonName, { jsonName: f.jsonName, type, repeated: f.label === LABEL_REPEATED && type.kind !== 'map' });
    }
    schemas.set(short(full), { name: short(full), fields });
  }
  return schemas;
}

let cache: Map<string, MessageSchema> | undefined;

/** The schema of a message by its short name ("Pod", "PodSpec"). Throws for an unknown name. */
export function messageSchema(name: string): MessageSchema {
  cache ??= build();
  const s = cache.get(name);
  if (!s) throw new Error(`no schema for message ${name}`);
  return s;
}
