import { buildTestImages } from '../../scripts/images/build';
import { pushImage } from '../../scripts/images/push';

/**
 * Builds the project's test images (deterministic OCI layouts from busybox, scripts/images)
 * and pushes the example ones, hello 1.0/2.0/3.0, into the dev registry. Returns their names.
 */
export async function pushExampleImages(opts: { outDir: string; registryName: string }): Promise<string[]> {
  const built = await buildTestImages(opts.outDir);
  const { hello1, hello2, hello3 } = built.images;
  const pushed: string[] = [];
  for (const img of [hello1, hello2, hello3]) pushed.push(await pushImage(built.layout, img, { registry: opts.registryName }));
  return pushed;
}
