// From manifest documents to typed objects: kind and apiVersion, field check, conversion,
// semantic validation. Every document is judged before anything is sent, so one bad
// document stops the whole set.
import { KINDS, kindByManifestKind, type AnyObject, type KindName } from '../api/kinds';
import type { FieldError } from '../errors';
import { checkFields } from './check-fields';
import { CODECS } from './codecs';
import type { ManifestDocument } from './load';
import { messageSchema } from './schema';
import { validateObject } from './validate';

/** A field problem in one document. */
export interface DocumentFieldError extends FieldError {
  /** "app.yaml, document 2 (Deployment web)". */
  document: string;
}

export interface ManifestObject {
  kind: KindName;
  object: AnyObject;
  document: ManifestDocument;
}

export interface ManifestResult {
  objects: ManifestObject[];
  warnings: DocumentFieldError[];
  errors: DocumentFieldError[];
}

export interface ManifestOptions {
  /** Namespace for namespaced objects that name none (the CLI's -n or context). */
  namespace?: string;
}

function describeDocument(doc: ManifestDocument, kind?: string, name?: string): string {
  const item = doc.item !== undefined ? `, item ${doc.item}` : '';
  const what = kind ? ` (${kind}${name ? ` ${name}` : ''})` : '';
  return `${doc.source}, document ${doc.index}${item}${what}`;
}

/** "app.yaml, document 2 (Deployment web): spec.replicas: must be ..." */
export function formatDocumentFieldError(e: DocumentFieldError): string {
  return `${e.document}: ${e.field ? `${e.field}: ` : ''}${e.message}`;
}

const SUPPORTED_KINDS = Object.values(KINDS)
  .map((k) => k.kind)
  .join(', ');

interface Converted {
  errors: FieldError[];
  warnings: FieldError[];
  kind?: KindName;
  object?: AnyObject;
}

function convert(content: unknown, opts: ManifestOptions): Converted {
  if (typeof content !== 'object' || content === null || Array.isArray(content)) return { errors: [{ field: '', message: 'a manifest document must be an object' }], warnings: [] };
  const { apiVersion, kind, status, ...rest } = content as Record<string, unknown>;
  if (typeof kind !== 'string' || !kind) return { errors: [{ field: 'kind', message: 'is required' }], warnings: [] };
  const info = kindByManifestKind(kind);
  if (!info) return { errors: [{ field: 'kind', message: `berth does not know kind "${kind}" (it has ${SUPPORTED_KINDS})` }], warnings: [] };
  if (apiVersion !== info.apiVersion) {
    return { errors: [{ field: 'apiVersion', message: apiVersion ? `${kind} is served as "${info.apiVersion}", not "${String(apiVersion)}"` : 'is required' }], warnings: [] };
  }
  const warnings: FieldError[] = [];
  const hasStatus = messageSchema(info.kind).fields.has('status');
  if (status !== undefined && hasStatus) warnings.push({ field: 'status', message: 'ignored: status is written by berth' });
  else if (status !== undefined) rest.status = status;
  const checked = checkFields(rest, info.kind);
  warnings.push(...checked.warnings);
  // Fields with errors are left out of checked.value, so the rest still gets its semantic
  // checks and the user sees every problem at once.
  const object = CODECS[info.plural].fromJSON(checked.value) as AnyObject;
  if (info.namespaced && object.metadata && !object.metadata.namespace && opts.namespace) object.metadata.namespace = opts.namespace;
  const errors = [...checked.errors, ...validateObject(info.plural, object)];
  return errors.length > 0 ? { errors, warnings } : { errors, warnings, kind: info.plural, object };
}

function identity(kind: KindName, obj: AnyObject): string {
  return `${kind}/${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;
}

/**
 * Converts and validates a set of documents. `objects` holds only documents without errors;
 * callers send nothing unless `errors` is empty.
 */
export function validateManifestDocuments(docs: ManifestDocument[], opts: ManifestOptions = {}): ManifestResult {
  const result: ManifestResult = { objects: [], warnings: [], errors: [] };
  const seen = new Map<string, string>();
  for (const doc of docs) {
    const c = convert(doc.content, opts);
    const raw = doc.content as { kind?: unknown; metadata?: { name?: unknown } } | null;
    const label = describeDocument(doc, typeof raw?.kind === 'string' ? raw.kind : undefined, typeof raw?.metadata?.name === 'string' ? raw.metadata.name : undefined);
    result.warnings.push(...c.warnings.map((w) => ({ ...w, document: label })));
    result.errors.push(...c.errors.map((e) => ({ ...e, document: label })));
    if (c.errors.length > 0 || !c.kind || !c.object) continue;
    const id = identity(c.kind, c.object);
    const first = seen.get(id);
    if (first) {
      result.errors.push({ document: label, field: 'metadata.name', message: `the same object is also defined in ${first}` });
      continue;
    }
    seen.set(id, label);
    result.objects.push({ kind: c.kind, object: c.object, document: doc });
  }
  return result;
}
