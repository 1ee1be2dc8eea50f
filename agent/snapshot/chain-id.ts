import { createHash } from 'node:crypto';

/**
 * OCI image spec ChainIDs, one per layer (bottom to top): ChainID(L0) = DiffID(L0);
 * ChainID(L0|…|Ln) = sha256(ChainID(L0|…|Ln-1) + " " + DiffID(Ln)). A chain ID names a layer
 * together with everything below it, which is what an unpacked snapshot depends on.
 */
export function chainIds(diffIds: string[]): string[] {
  const out: string[] = [];
  for (const diffId of diffIds) {
    const parent = out[out.length - 1];
    out.push(parent === undefined ? diffId : `sha256:${createHash('sha256').update(`${parent} ${diffId}`).digest('hex')}`);
  }
  return out;
}
