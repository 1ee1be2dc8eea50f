// `berth rollout history`: a Deployment's revisions with the tags users wrote and the digests
// the controller recorded for them. Pure.
import type { Revision } from '../../lib/rollout';
import { formatTable } from './table';

const SHORT_DIGEST = 'sha256:'.length + 12;

/** "app@sha256:0123…" (the recorded "repo@sha256:…") → "sha256:0123456789ab". */
function shortDigest(recorded: string | undefined): string {
  const at = recorded?.lastIndexOf('@') ?? -1;
  return recorded && at >= 0 ? recorded.slice(at + 1, at + 1 + SHORT_DIGEST) : '';
}

/** "web=app:1.0@sha256:0123456789ab,side=log:2": each container's image and recorded digest. */
export function revisionImages(r: Revision): string {
  return Object.entries(r.images)
    .map(([container, image]) => {
      const d = shortDigest(r.digests[container]);
      return `${container}=${image}${d ? `@${d}` : ''}`;
    })
    .join(',');
}

/** kubectl's history table, with an IMAGES column. */
export function historyTable(resource: string, revisions: readonly Revision[]): string {
  const rows = [['REVISION', 'IMAGES', 'CHANGE-CAUSE'], ...revisions.map((r) => [String(r.revision), revisionImages(r), r.changeCause || '<none>'])];
  return `${resource}\n${formatTable(rows)}`;
}

/** One revision in full: template labels, images with their full recorded digests, change cause. */
export function revisionDetail(resource: string, r: Revision): string {
  const t = r.replicaSet.spec?.template;
  const labels = Object.entries(t?.metadata?.labels ?? {}).map(([k, v]) => `${k}=${v}`);
  const lines = [`${resource} with revision #${r.revision}`, 'Pod Template:', `  Labels:\t${labels.join(',') || '<none>'}`];
  if (r.changeCause) lines.push(`  Annotations:\tkubernetes.io/change-cause: ${r.changeCause}`);
  lines.push('  Containers:');
  for (const c of t?.spec?.containers ?? []) {
    lines.push(`   ${c.name}:`, `    Image:\t${c.image}`, `    Image digest:\t${r.digests[c.name] || '<not recorded>'}`);
    if (c.command.length) lines.push(`    Command:\t${c.command.join(' ')}`);
    if (c.args.length) lines.push(`    Args:\t${c.args.join(' ')}`);
  }
  return lines.join('\n') + '\n';
}
