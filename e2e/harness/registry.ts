import * as fs from 'node:fs';

const MANIFEST_TYPES = ['application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v2+json'].join(', ');

export interface ImageFacts {
  /** The manifest digest the tag names now. */
  digest: string;
  /** Layer digests, bottom to top. */
  layers: string[];
}

/** Asks the registry (host side) what `repo:tag` is now. */
export async function imageFacts(registry: string, repo: string, tag: string): Promise<ImageFacts> {
  const res = await fetch(`http://${registry}/v2/${repo}/manifests/${tag}`, { headers: { accept: MANIFEST_TYPES } });
  if (!res.ok) throw new Error(`manifest ${repo}:${tag}: HTTP ${res.status}`);
  const manifest = (await res.json()) as { layers: { digest: string }[] };
  return { digest: res.headers.get('docker-content-digest') ?? '', layers: manifest.layers.map((l) => l.digest) };
}

/**
 * Blob downloads (GET, not HEAD) per digest in a docker-registry log: every node pulls through
 * the bridge registry, so this counts the bytes the nodes really fetched, layer by layer.
 */
export function blobGets(logFile: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of fs.readFileSync(logFile, 'utf8').split('\n')) {
    if (!line.includes('response completed') || !line.includes('http.request.method=GET')) continue;
    const m = /http\.request\.uri="\/v2\/[^"]*\/blobs\/(sha256:[0-9a-f]{64})"/.exec(line);
    if (m?.[1]) counts.set(m[1], (counts.get(m[1]) ?? 0) + 1);
  }
  return counts;
}
