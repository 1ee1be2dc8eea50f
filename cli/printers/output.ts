// `berth get` output formats. Pure: objects in, text out.
import { stringify } from 'yaml';
import { KINDS, type AnyObject, type KindName } from '../../lib/api/kinds';
import { toManifest } from '../../lib/manifest/to-manifest';
import { COLUMNS } from './columns';

export type OutputFormat = 'table' | 'wide' | 'yaml' | 'json' | 'name';
export const OUTPUT_FORMATS: OutputFormat[] = ['wide', 'yaml', 'json', 'name'];

/** "deployment.apps", "pod": kubectl's resource type form. */
export function resourceType(kind: KindName): string {
  const info = KINDS[kind];
  const group = info.apiVersion.includes('/') ? `.${info.apiVersion.split('/')[0]}` : '';
  return `${info.kind.toLowerCase()}${group}`;
}

/** "deployment.apps/web", "pod/web-1". */
export function resourceName(kind: KindName, name: string): string {
  return `${resourceType(kind)}/${name}`;
}

export interface TableOptions {
  wide: boolean;
  /** Prepend a NAMESPACE column (all namespaces). */
  withNamespace: boolean;
  headers: boolean;
}

/** Header and rows of a table, before layout. */
export function tableRows(kind: KindName, objects: AnyObject[], opts: TableOptions, now: number): string[][] {
  const cols = COLUMNS[kind] as (typeof COLUMNS)[KindName] & { row(o: AnyObject, n: number): string[]; wideRow(o: AnyObject, n: number): string[] };
  const ns = opts.withNamespace && KINDS[kind].namespaced;
  const rows: string[][] = [];
  if (opts.headers) rows.push([...(ns ? ['NAMESPACE'] : []), ...cols.headers, ...(opts.wide ? cols.wide : [])]);
  for (const o of objects) rows.push([...(ns ? [o.metadata?.namespace ?? ''] : []), ...cols.row(o, now), ...(opts.wide ? cols.wideRow(o, now) : [])]);
  return rows;
}

/** Objects as Kubernetes-shaped YAML or JSON: one object alone, several as a List. */
export function formatObjects(kind: KindName, objects: AnyObject[], format: 'yaml' | 'json', single: boolean): string {
  const manifests = objects.map((o) => toManifest(kind, o));
  const doc = single && manifests.length === 1 ? manifests[0] : { apiVersion: 'v1', kind: 'List', items: manifests };
  return format === 'json' ? JSON.stringify(doc, null, 4) + '\n' : stringify(doc);
}

export function formatNames(kind: KindName, objects: AnyObject[]): string {
  return objects.map((o) => resourceName(kind, o.metadata?.name ?? '') + '\n').join('');
}
