import { join } from 'node:path';
import { findRevisionByTag, revisionOf, revisionsOf, rollbackTemplate } from '../../lib/rollout';
import { startRegistry, type RegistryServer } from '../../lib/servers/registry';
import { buildTestImages, type BuiltImages } from '../../scripts/images/build';
import { pushImage } from '../../scripts/images/push';
import { TestCluster } from '../../lib/testing/cluster';
import { deployment, runningImages, updateDeployment, waitForRollout } from './test/fixtures';

describe('rollback by tag after the tag was pushed again', () => {
  const c = new TestCluster();
  let registry: RegistryServer;
  let built: BuiltImages;
  jest.setTimeout(120_000);

  beforeAll(async () => {
    await c.start();
    registry = await startRegistry({ dir: join(c.dir, 'registry'), logFile: join(c.dir, 'registry.log') });
    built = await buildTestImages(join(c.dir, 'images'));
    c.agent('tag-', 3);
    c.scheduler('s1');
    c.controllerManager('cm1');
    await c.waitForReadyNodes(3);
  });
  afterAll(async () => {
    await c.stop();
    await registry?.stop();
  });

  it('undo --to-tag 1.0 runs the digest 1.0 had when it first ran, not the one pushed since', async () => {
    const repo = `${registry.address}/hello`;
    const { hello1, hello2, hello3 } = built.images;
    expect(new Set([hello1.manifest.digest, hello2.manifest.digest, hello3.manifest.digest]).size).toBe(3);
    await pushImage(built.layout, hello1, { registry: registry.address, tag: '1.0' });
    await c.client.create('deployments', deployment({ name: 'hello', replicas: 3, image: `${repo}:1.0` }));
    await waitForRollout(c.client, 'hello');
    expect(await runningImages(c.client, 'hello')).toEqual(Array(3).fill(`${repo}@${hello1.manifest.digest}`));

    // 1.0 moves to other bytes; then the Deployment rolls on to 2.0.
    await pushImage(built.layout, hello3, { registry: registry.address, tag: '1.0' });
    await pushImage(built.layout, hello2, { registry: registry.address, tag: '2.0' });
    const setImage = (image: string) => updateDeployment(c.client, 'hello', (d) => ({ ...d, spec: { ...d.spec!, template: { ...d.spec!.template!, spec: { ...d.spec!.template!.spec!, containers: [{ ...d.spec!.template!.spec!.containers[0], image }] } } } }));
    await setImage(`${repo}:2.0`);
    await waitForRollout(c.client, 'hello');
    expect(await runningImages(c.client, 'hello')).toEqual(Array(3).fill(`${repo}@${hello2.manifest.digest}`));

    // `berth rollout undo deploy/hello --to-tag 1.0`, as the CLI does it.
    const d = await c.client.get('deployments', 'default', 'hello');
    const revisions = revisionsOf(d, (await c.client.list('replicasets', { namespace: 'default' })).items);
    const target = findRevisionByTag(revisions, '1.0');
    expect(target?.revision).toBe(1);
    expect(target?.digests).toEqual({ web: `${repo}@${hello1.manifest.digest}` });
    await updateDeployment(c.client, 'hello', (cur) => ({ ...cur, spec: { ...cur.spec!, template: rollbackTemplate(target!) } }));
    await waitForRollout(c.client, 'hello');

    expect(await runningImages(c.client, 'hello')).toEqual(Array(3).fill(`${repo}@${hello1.manifest.digest}`));
    const rss = (await c.client.list('replicasets', { namespace: 'default' })).items;
    expect(rss).toHaveLength(2);
    const active = rss.find((rs) => (rs.spec?.replicas ?? 0) > 0);
    // The old ReplicaSet came back (with its recorded digests) as the newest revision.
    expect(active?.metadata?.name).toBe(target?.replicaSet.metadata?.name);
    expect(revisionOf(active!)).toBe(3);
  });
});
