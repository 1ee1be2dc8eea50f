// Typed objects back to Kubernetes-shaped plain objects (for -o yaml|json): apiVersion and
// kind first, camelCase with Kubernetes' own spellings, no empty defaults.
import { KINDS, type AnyObject, type KindName } from '../api/kinds';
import { CODECS } from './codecs';
import { KUBERNETES_NAMES } from './kubernetes-fields';
import { messageSchema, type FieldType } from './schema';

const TO_KUBERNETES: Record<string, Record<string, string>> = Object.fromEntries(
  Object.entries(KUBERNETES_NAMES).map(([msg, names]) => [msg, Object.fromEntries(Object.entries(names).map(([k8s, proto]) => [proto, k8s]))]),
);

function rename(value: unknown, type: FieldType): unknown {
  if (type.kind === 'scalar' || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => rename(v, type));
  if (type.kind === 'map') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rename(v, type.value)]));
  const schema = messageSchema(type.message);
  const names = TO_KUBERNETES[type.message] ?? {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const fs = schema.fields.get(k);
    out[names[k] ?? k] = fs ? rename(v, fs.type) : v;
  }
  return out;
}

/** A Kubernetes-shaped plain object for a typed one. */
export function toManifest(kind: KindName, obj: AnyObject): Record<string, unknown> {
  const info = KINDS[kind];
  const body = rename((CODECS[kind].toJSON as (o: AnyObject) => unknown)(obj), { kind: 'message', message: info.kind }) as Record<string, unknown>;
  const status = body.status as Record<string, unknown> | undefined;
  if (status && Object.keys(status).length === 0) delete body.status;
  return { apiVersion: info.apiVersion, kind: info.kind, ...body };
}
