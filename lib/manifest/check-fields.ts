// Walks a plain manifest document (as parsed from YAML) against the proto schema before
// ts-proto's fromJSON sees it, because fromJSON silently drops what it does not know.
import type { FieldError } from '../errors';
import { messageSchema, type FieldSchema, type FieldType } from './schema';
import { KUBERNETES_NAMES, NUMBER_AS_STRING, UNIMPLEMENTED, type UnimplementedField } from './kubernetes-fields';

export interface FieldCheck {
  errors: FieldError[];
  warnings: FieldError[];
  /** The document with Kubernetes spellings renamed to proto JSON names and ignored fields dropped. */
  value: Record<string, unknown>;
}

type Plain = Record<string, unknown>;

function isPlainObject(v: unknown): v is Plain {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (v === null) return 'null';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`;
}

class Walker {
  readonly errors: FieldError[] = [];
  readonly warnings: FieldError[] = [];

  message(value: unknown, message: string, path: string): Plain | undefined {
    if (!isPlainObject(value)) {
      this.errors.push({ field: path, message: `must be an object, not ${describe(value)}` });
      return undefined;
    }
    const schema = messageSchema(message);
    const renames = KUBERNETES_NAMES[message] ?? {};
    const out: Plain = {};
    for (const [key, v] of Object.entries(value)) {
      const field = join(path, key);
      const name = renames[key] ?? key;
      const fs = schema.fields.get(name);
      if (fs) {
        if (v === null || v === undefined) continue;
        const checked = this.field(v, fs, message, field);
        if (checked !== undefined) out[name] = checked;
        continue;
      }
      const known = UNIMPLEMENTED[message]?.[key];
      if (known) this.unimplemented(v, known, field);
      else this.errors.push({ field, message: `unknown field "${key}"` });
    }
    return out;
  }

  private unimplemented(value: unknown, known: UnimplementedField, path: string): void {
    if (known.fields && isPlainObject(value)) {
      for (const [key, v] of Object.entries(value)) {
        const sub = known.fields[key];
        if (sub) this.unimplemented(v, sub, join(path, key));
        else this.errors.push({ field: join(path, key), message: `unknown field "${key}"` });
      }
      return;
    }
    const harmless = known.severity === 'warning' || value === null || (known.harmless?.(value) ?? false);
    (harmless ? this.warnings : this.errors).push({ field: path, message: harmless ? `ignored: ${known.reason}` : known.reason });
  }

  private field(value: unknown, fs: FieldSchema, message: string, path: string): unknown {
    const numberOk = NUMBER_AS_STRING[message]?.includes(fs.jsonName) ?? false;
    if (!fs.repeated) return this.typed(value, fs.type, path, numberOk);
    if (!Array.isArray(value)) {
      this.errors.push({ field: path, message: `must be a list, not ${describe(value)}` });
      return undefined;
    }
    return value.map((item, i) => this.typed(item, fs.type, `${path}[${i}]`, numberOk));
  }

  private typed(value: unknown, type: FieldType, path: string, numberOk: boolean): unknown {
    switch (type.kind) {
      case 'message':
        return this.message(value, type.message, path);
      case 'map': {
        if (!isPlainObject(value)) {
          this.errors.push({ field: path, message: `must be a map, not ${describe(value)}` });
          return undefined;
        }
        const out: Plain = {};
        for (const [k, v] of Object.entries(value)) out[k] = this.typed(v, type.value, join(path, k), numberOk);
        return out;
      }
      case 'scalar':
        return this.scalar(value, type.scalar, path, numberOk);
    }
  }

  private scalar(value: unknown, scalar: string, path: string, numberOk: boolean): unknown {
    const ok =
      scalar === 'string'
        ? typeof value === 'string' || (numberOk && typeof value === 'number')
        : scalar === 'bool'
          ? typeof value === 'boolean'
          : scalar === 'int'
            ? Number.isInteger(value)
            : typeof value === 'number';
    if (ok) return value;
    const want = { string: 'a string', bool: 'true or false', int: 'an integer', float: 'a number' }[scalar];
    const hint = scalar === 'string' && (typeof value === 'number' || typeof value === 'boolean') ? ' (quote it)' : '';
    this.errors.push({ field: path, message: `must be ${want}, not ${describe(value)}${hint}` });
    return undefined;
  }
}

function join(path: string, key: string): string {
  if (!path) return key;
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/**
 * Checks a document's fields against message `message` ("Deployment"). Errors for fields of the
 * wrong type, unknown fields and unimplemented Kubernetes fields that would change what runs;
 * warnings for the ones dropped harmlessly.
 */
export function checkFields(doc: Record<string, unknown>, message: string): FieldCheck {
  const w = new Walker();
  const value = w.message(doc, message, '') ?? {};
  return { errors: w.errors, warnings: w.warnings, value };
}
