import { parseReference } from '../../lib/image/reference';

/**
 * The keys an image reference matches in node.status.images: "<normalized name>:<tag>" and
 * "@<digest>", so "web:1.0", "docker.io/library/web:1.0" and "web@sha256:…" meet.
 * An unparsable reference yields itself, which still matches an identical report.
 */
export function imageKeys(ref: string): string[] {
  try {
    const r = parseReference(ref);
    const keys: string[] = [];
    if (r.digest) keys.push(`@${r.digest}`);
    if (r.tag) keys.push(`${r.name}:${r.tag}`);
    return keys;
  } catch {
    return [ref];
  }
}
