import type { PodTemplateSpec } from '../api';

export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';
export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const IMAGE_DIGESTS_ANNOTATION = 'berth.dev/image-digests';
export const CHANGE_CAUSE_ANNOTATION = 'kubernetes.io/change-cause';

/** JSON with object keys sorted, so equal templates serialize equally whatever the key order. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** The user's template without the label the controller adds (the hash must not hash itself). */
export function userTemplate(t: PodTemplateSpec | undefined): PodTemplateSpec | undefined {
  if (!t?.metadata?.labels?.[POD_TEMPLATE_HASH_LABEL]) return t;
  const labels = { ...t.metadata.labels };
  delete labels[POD_TEMPLATE_HASH_LABEL];
  return { ...t, metadata: { ...t.metadata, labels } };
}

/**
 * A stable short hash of a pod template (FNV-1a 32 over canonical JSON, plus the collision
 * count like Kubernetes), in the safe alphabet Kubernetes uses for names.
 */
export function templateHash(t: PodTemplateSpec | undefined, collisionCount = 0): string {
  const text = canonical(userTemplate(t) ?? {}) + (collisionCount ? `#${collisionCount}` : '');
  let h = 0x811c9dc5;
  const bytes = Buffer.from(text, 'utf8');
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let out = '';
  for (let x = h; out.length < 8 || x > 0; x = Math.floor(x / alphabet.length)) {
    out += alphabet[x % alphabet.length];
    if (x === 0) break;
  }
  return out;
}

/** Two templates equal as the user wrote them (the hash label ignored). */
export function sameTemplate(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  return canonical(userTemplate(a) ?? {}) === canonical(userTemplate(b) ?? {});
}
