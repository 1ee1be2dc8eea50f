import type { AnyObject } from '../api/kinds';
import type { FieldValues } from './field-selector';

/** The selectable field values of a stored object (missing fields read as ""). */
export function fieldValuesOf(obj: AnyObject): FieldValues {
  const spec = (obj as { spec?: { nodeName?: string } }).spec;
  const status = (obj as { status?: { phase?: string } }).status;
  return {
    'metadata.name': obj.metadata?.name ?? '',
    'metadata.namespace': obj.metadata?.namespace ?? '',
    'spec.nodeName': spec?.nodeName ?? '',
    'status.phase': status?.phase ?? '',
  };
}
