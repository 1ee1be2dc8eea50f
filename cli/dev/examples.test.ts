// The example manifests a new user applies first: valid Kubernetes apps/v1 that berth accepts
// without a warning, with the release images and the rollout settings the walkthrough relies on.
import * as path from 'node:path';
import { loadManifests, validateManifestDocuments, formatDocumentFieldError } from '../../lib/manifest';
import type { Deployment } from '../../lib/api/types';

const EXAMPLES = path.join(__dirname, '..', '..', 'examples');

async function deploymentOf(file: string): Promise<Deployment> {
  const result = validateManifestDocuments(await loadManifests([path.join(EXAMPLES, file)]), { namespace: 'default' });
  expect([...result.errors, ...result.warnings].map(formatDocumentFieldError)).toEqual([]);
  expect(result.objects.map((o) => o.kind)).toEqual(['deployments']);
  return result.objects[0]?.object as Deployment;
}

describe('examples', () => {
  it.each([
    ['hello.yaml', 'localhost:5000/hello:1.0'],
    ['hello/deployment.yaml', 'localhost:5000/hello:1.0'],
    ['hello/v2.yaml', 'localhost:5000/hello:2.0'],
    ['hello/v3-broken.yaml', 'localhost:5000/hello:3.0'],
  ])('%s is one valid Deployment hello running %s', async (file, image) => {
    const d = await deploymentOf(file);
    expect(d.metadata?.name).toBe('hello');
    expect(d.metadata?.annotations['berth.dev/auto-rollback']).toBe('true');
    expect(d.spec?.replicas).toBe(3);
    const c = d.spec?.template?.spec?.containers[0];
    expect(c?.image).toBe(image);
    expect(c?.readinessProbe?.httpGet).toMatchObject({ path: '/healthz' });
    expect(JSON.stringify(d.spec?.strategy)).toMatch(/"maxUnavailable":"?0"?/);
  });
});
