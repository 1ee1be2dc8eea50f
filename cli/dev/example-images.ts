import * as fs from 'node:fs';
import * as path from 'node:path';
import { run } from './exec';

/** An OCI image layout on disk and the ref names its index.json lists. */
export interface Layout {
  dir: string;
  refs: string[];
}

export interface Push {
  src: string;
  dest: string;
}

const REF_ANNOTATION = 'org.opencontainers.image.ref.name';

/**
 * skopeo copies for the example images (`hello`) found in the built layouts: repository from
 * the layout's directory name (a trailing "-TAG"/"_TAG" dropped), tag from the ref name.
 */
export function pushPlan(layouts: Layout[], registryName: string, repositories: string[]): Push[] {
  const pushes: Push[] = [];
  for (const l of layouts) {
    for (const ref of l.refs) {
      const tag = ref.includes(':') ? ref.slice(ref.lastIndexOf(':') + 1) : ref;
      const base = path.basename(l.dir);
      const repo = base.endsWith(`-${tag}`) || base.endsWith(`_${tag}`) ? base.slice(0, -tag.length - 1) : base;
      if (repositories.includes(repo)) pushes.push({ src: `oci:${l.dir}:${ref}`, dest: `docker://${registryName}/${repo}:${tag}` });
    }
  }
  return pushes;
}

/** Every OCI layout directly under or one level below `root`. */
export function findLayouts(root: string): Layout[] {
  const found: Layout[] = [];
  const visit = (dir: string, depth: number): void => {
    if (fs.existsSync(path.join(dir, 'oci-layout'))) {
      const index = JSON.parse(fs.readFileSync(path.join(dir, 'index.json'), 'utf8')) as { manifests?: { annotations?: Record<string, string> }[] };
      const refs = (index.manifests ?? []).map((m) => m.annotations?.[REF_ANNOTATION]).filter((r): r is string => r !== undefined);
      found.push({ dir, refs });
      return;
    }
    if (depth === 0) return;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) visit(path.join(dir, e.name), depth - 1);
  };
  visit(root, 2);
  return found;
}

/**
 * Builds the test images with the project's builder (scripts/images, compiled next to this
 * entry point) and pushes the example ones into the dev registry. Returns the pushed names.
 */
export async function pushExampleImages(opts: { distRoot: string; outDir: string; registryName: string }): Promise<string[]> {
  const builder = path.join(opts.distRoot, 'scripts', 'images', 'build.js');
  if (!fs.existsSync(builder)) throw new Error(`the image builder ${builder} is missing: run 'npm run build' first`);
  fs.mkdirSync(opts.outDir, { recursive: true });
  await run([process.execPath, builder, opts.outDir]);
  const pushes = pushPlan(findLayouts(opts.outDir), opts.registryName, ['hello']);
  for (const p of pushes) await run(['skopeo', 'copy', '--quiet', '--dest-tls-verify=false', p.src, p.dest]);
  return pushes.map((p) => p.dest.replace('docker://', ''));
}
