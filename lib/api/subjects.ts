import type { KindName } from './kinds';

// NATS change-notice subjects (DESIGN.md "Names"). Names may hold "." (a token separator in
// NATS) and the wildcards; tokens are percent-encoded so every name is one literal token.

/** Percent-encodes ".", "*", ">", whitespace and "%" (so decoding is unambiguous). */
export function escapeToken(token: string): string {
  return token.replace(/[.*>%\s]/g, (c) => {
    const bytes = Buffer.from(c, 'utf8');
    return [...bytes].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
  });
}

export function unescapeToken(token: string): string {
  return decodeURIComponent(token);
}

/** berth.v1.<plural>.<namespace or _> */
export function kindSubject(kind: KindName, namespace: string): string {
  return `berth.v1.${kind}.${namespace ? escapeToken(namespace) : '_'}`;
}

/** berth.v1.node.<node>.pods: notices for the pods bound to one node. */
export function nodePodsSubject(node: string): string {
  return `berth.v1.node.${escapeToken(node)}.pods`;
}

/** Every notice of a kind, any namespace (for subscribers). */
export function kindWildcard(kind: KindName): string {
  return `berth.v1.${kind}.*`;
}

/** The JSON payload of a change notice. */
export interface ChangeNotice {
  kind: KindName;
  namespace: string;
  name: string;
  resourceVersion: string;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  /** The pod's node, "" if unbound or not a pod. */
  node: string;
}
