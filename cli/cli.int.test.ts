// The CLI as a user runs it: `node dist/cmd/berth.js ...` processes against a real apiserver
// process on real etcd + NATS. No controllers run: the test writes what they would (ReplicaSets,
// status, an agent's deletion confirmations) and checks what the commands stored.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiClient } from '../lib/api/client';
import { Node, Pod, ReplicaSet } from '../lib/api/types';
import { CHANGE_CAUSE_ANNOTATION, IMAGE_DIGESTS_ANNOTATION, POD_TEMPLATE_HASH_LABEL, REVISION_ANNOTATION } from '../lib/rollout';
import { startEtcd, type RunningEtcd } from '../lib/servers/etcd';
import { startNats, type RunningNats } from '../lib/servers/nats';
import { freePort, startProcess, waitUntil, type ManagedProcess } from '../lib/servers/process';

jest.setTimeout(120_000);

const berth = path.resolve(__dirname, '../dist/cmd/berth.js');
let dir: string;
let etcd: RunningEtcd;
let nats: RunningNats;
let apiserver: ManagedProcess;
let server: string;
let api: ApiClient;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-cli-'));
  etcd = await startEtcd({ dataDir: path.join(dir, 'etcd'), logFile: path.join(dir, 'etcd.log') });
  nats = await startNats({ logFile: path.join(dir, 'nats.log') });
  server = `127.0.0.1:${await freePort()}`;
  apiserver = startProcess('node', [berth, 'apiserver', '--etcd', etcd.endpoint, '--nats', nats.url, '--listen', server], { logFile: path.join(dir, 'apiserver.log') });
  api = new ApiClient(server, { timeoutMs: 20_000 });
  await waitUntil(async () => (await api.version(), true), 30_000, 'apiserver process');
});

afterAll(async () => {
  api?.close();
  await apiserver?.stop();
  await nats?.stop();
  await etcd?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI; `onStdout` sees its output as it arrives. */
function cli(...args: string[]): Promise<Run> {
  return cliWatching(() => undefined, ...args);
}

function cliWatching(onStdout: (soFar: string) => void, ...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile('node', [berth, ...args], { env: { ...process.env, BERTH_SERVER: server, BERTH_CONFIG: path.join(dir, 'config') } }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
    let soFar = '';
    child.stdout?.on('data', (b: Buffer) => onStdout((soFar += b.toString())));
  });
}

const manifest = (name: string, image: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: 2
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
      - name: web
        image: ${image}
`;

async function applyDeployment(name: string, image: string): Promise<void> {
  const file = path.join(dir, `${name}.yaml`);
  fs.writeFileSync(file, manifest(name, image));
  const r = await cli('apply', '-f', file);
  expect(r).toMatchObject({ code: 0, stdout: `deployment.apps/${name} created\n` });
}

/** A revision as the Deployment controller would have made it. */
async function revision(deployName: string, rev: number, image: string, digestHex: string, cause = ''): Promise<void> {
  const d = await api.get('deployments', 'default', deployName);
  const labels = { app: deployName, [POD_TEMPLATE_HASH_LABEL]: `h${rev}` };
  await api.create(
    'replicasets',
    ReplicaSet.fromPartial({
      metadata: {
        name: `${deployName}-h${rev}`,
        namespace: 'default',
        labels,
        annotations: { [REVISION_ANNOTATION]: String(rev), [IMAGE_DIGESTS_ANNOTATION]: JSON.stringify({ web: `localhost:5000/app@sha256:${digestHex.repeat(64 / digestHex.length)}` }), ...(cause ? { [CHANGE_CAUSE_ANNOTATION]: cause } : {}) },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: deployName, uid: d.metadata?.uid ?? '', controller: true }],
      },
      spec: { replicas: 0, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'web', image }] } } },
    }),
  );
}

test('scale and set image change the stored spec; bad input changes nothing', async () => {
  await applyDeployment('web', 'localhost:5000/app:1.0');
  expect(await cli('scale', 'deploy/web', '--replicas', '5')).toMatchObject({ code: 0, stdout: 'deployment.apps/web scaled\n' });
  expect((await api.get('deployments', 'default', 'web')).spec?.replicas).toBe(5);

  const set = await cli('set', 'image', 'deploy/web', 'web=localhost:5000/app:2.0', '--record');
  expect(set).toMatchObject({ code: 0, stdout: 'deployment.apps/web image updated\n' });
  const d = await api.get('deployments', 'default', 'web');
  expect(d.spec?.template?.spec?.containers.map((c) => c.image)).toEqual(['localhost:5000/app:2.0']);
  expect(d.metadata?.annotations[CHANGE_CAUSE_ANNOTATION]).toBe('berth set image deploy/web web=localhost:5000/app:2.0');
  expect(d.spec?.replicas).toBe(5);

  const bad = await cli('set', 'image', 'deploy/web', 'web=App:Bad');
  expect(bad.code).toBe(1);
  expect(bad.stderr).toContain('invalid reference format "App:Bad"');
  const missing = await cli('set', 'image', 'deploy/web', 'api=app:3');
  expect(missing).toMatchObject({ code: 1, stderr: 'error: unable to find container named "api" (containers: web)\n' });
  expect((await api.get('deployments', 'default', 'web')).metadata?.resourceVersion).toBe(d.metadata?.resourceVersion);

  expect((await cli('scale', 'deploy/nope', '--replicas', '1')).code).toBe(1);
  expect((await cli('scale', 'deploy/web', '--replicas', '-1')).stderr).toBe('error: --replicas must be an integer >= 0, not "-1"\n');
});

test('rollout history lists revisions with digests; undo by tag and by revision restores the template', async () => {
  await applyDeployment('hist', 'localhost:5000/app:3.0');
  await revision('hist', 1, 'localhost:5000/app:1.0', 'a', 'first release');
  await revision('hist', 2, 'localhost:5000/app:2.0', 'b');
  await revision('hist', 3, 'localhost:5000/app:3.0', 'c');

  const h = await cli('rollout', 'history', 'deploy/hist');
  expect(h.code).toBe(0);
  expect(h.stdout.split('\n').map((l) => l.split(/\s{2,}/))).toEqual([
    ['deployment.apps/hist'],
    ['REVISION', 'IMAGES', 'CHANGE-CAUSE'],
    ['1', 'web=localhost:5000/app:1.0@sha256:aaaaaaaaaaaa', 'first release'],
    ['2', 'web=localhost:5000/app:2.0@sha256:bbbbbbbbbbbb', '<none>'],
    ['3', 'web=localhost:5000/app:3.0@sha256:cccccccccccc', '<none>'],
    [''],
  ]);
  expect((await cli('rollout', 'history', 'deploy/hist', '--revision', '2')).stdout).toContain(`Image digest:\tlocalhost:5000/app@sha256:${'b'.repeat(64)}`);

  const byTag = await cli('rollout', 'undo', 'deploy/hist', '--to-tag', '1.0');
  expect(byTag).toMatchObject({ code: 0, stdout: 'deployment.apps/hist rolled back\n' });
  let d = await api.get('deployments', 'default', 'hist');
  expect(d.spec?.template?.spec?.containers[0].image).toBe('localhost:5000/app:1.0');
  expect(d.spec?.template?.metadata?.labels).toEqual({ app: 'hist' });
  expect(d.metadata?.annotations[CHANGE_CAUSE_ANNOTATION]).toBe('first release');

  // running revision 1 now: plain undo has nothing before it; --to-revision picks any
  expect(await cli('rollout', 'undo', 'deploy/hist')).toMatchObject({ code: 1, stderr: 'error: no revision of deployment "hist" before revision 1 (revisions: 1, 2, 3)\n' });
  expect(await cli('rollout', 'undo', 'deploy/hist', '--to-revision', '2')).toMatchObject({ code: 0, stdout: 'deployment.apps/hist rolled back\n' });
  d = await api.get('deployments', 'default', 'hist');
  expect(d.spec?.template?.spec?.containers[0].image).toBe('localhost:5000/app:2.0');
  expect(d.metadata?.annotations[CHANGE_CAUSE_ANNOTATION]).toBeUndefined();
  expect(await cli('rollout', 'undo', 'deploy/hist', '--to-revision', '2')).toMatchObject({ code: 0, stdout: 'deployment.apps/hist skipped rollback (current template already matches revision 2)\n' });

  expect((await cli('rollout', 'undo', 'deploy/hist', '--to-tag', '9.9')).stderr).toContain('no revision of deployment "hist" ran tag "9.9"');
  expect((await cli('rollout', 'undo', 'deploy/hist', '--to-revision', '7')).stderr).toContain('unable to find specified revision 7');
});

test('rollout pause, resume and restart', async () => {
  await applyDeployment('edits', 'localhost:5000/app:1.0');
  expect((await cli('rollout', 'pause', 'deploy/edits')).stdout).toBe('deployment.apps/edits paused\n');
  expect((await api.get('deployments', 'default', 'edits')).spec?.paused).toBe(true);
  expect(await cli('rollout', 'pause', 'deploy/edits')).toMatchObject({ code: 1, stderr: 'error: deployments.apps "edits" is already paused\n' });
  expect((await cli('rollout', 'restart', 'deploy/edits')).code).toBe(1);
  expect((await cli('rollout', 'resume', 'deploy/edits')).stdout).toBe('deployment.apps/edits resumed\n');
  expect((await cli('rollout', 'restart', 'deploy/edits')).stdout).toBe('deployment.apps/edits restarted\n');
  const d = await api.get('deployments', 'default', 'edits');
  expect(d.spec?.paused).toBe(false);
  expect(Date.parse(d.spec?.template?.metadata?.annotations['kubectl.kubernetes.io/restartedAt'] ?? '')).toBeGreaterThan(Date.now() - 60_000);
});

async function setStatus(name: string, s: { replicas: number; updated: number; available: number; deadline?: boolean }): Promise<void> {
  const d = await api.get('deployments', 'default', name);
  await api.updateStatus('deployments', {
    ...d,
    status: {
      observedGeneration: d.metadata?.generation ?? 0,
      replicas: s.replicas,
      updatedReplicas: s.updated,
      readyReplicas: s.available,
      availableReplicas: s.available,
      unavailableReplicas: s.replicas - s.available,
      collisionCount: 0,
      conditions: [{ type: 'Progressing', status: s.deadline ? 'False' : 'True', reason: s.deadline ? 'ProgressDeadlineExceeded' : 'ReplicaSetUpdated', message: '', lastTransitionTime: '', lastUpdateTime: '', lastHeartbeatTime: '' }],
    },
  });
}

test('rollout status follows the status to success, fails on the progress deadline and on timeout', async () => {
  await applyDeployment('st', 'localhost:5000/app:1.0');
  await setStatus('st', { replicas: 3, updated: 2, available: 1 });
  expect(await cli('rollout', 'status', 'deploy/st', '-w', 'false')).toMatchObject({ code: 0, stdout: 'Waiting for deployment "st" rollout to finish: 1 old replicas are pending termination...\n' });

  let printedFirst = (): void => undefined;
  const firstLine = new Promise<void>((r) => (printedFirst = r));
  const following = cliWatching((out) => out.includes('\n') && printedFirst(), 'rollout', 'status', 'deploy/st', '--timeout', '60s');
  await firstLine;
  await setStatus('st', { replicas: 2, updated: 2, available: 1 });
  await setStatus('st', { replicas: 2, updated: 2, available: 2 });
  const done = await following;
  expect(done.code).toBe(0);
  expect(done.stdout.trim().split('\n').pop()).toBe('deployment "st" successfully rolled out');
  expect(done.stdout).toContain('Waiting for deployment "st" rollout to finish:');

  await setStatus('st', { replicas: 3, updated: 1, available: 2 });
  expect((await cli('rollout', 'status', 'deploy/st', '--timeout', '1s')).stderr).toBe('error: timed out waiting for the condition\n');
  await setStatus('st', { replicas: 3, updated: 1, available: 2, deadline: true });
  expect(await cli('rollout', 'status', 'deploy/st')).toMatchObject({ code: 1, stderr: 'error: deployment "st" exceeded its progress deadline\n' });
});

test('cordon, uncordon and drain a node', async () => {
  await api.create('nodes', Node.fromPartial({ metadata: { name: 'n1' } }));
  expect((await cli('cordon', 'n1')).stdout).toBe('node/n1 cordoned\n');
  expect((await api.get('nodes', '', 'n1')).spec?.unschedulable).toBe(true);
  expect((await cli('cordon', 'node/n1')).stdout).toBe('node/n1 already cordoned\n');
  expect((await cli('uncordon', 'n1')).stdout).toBe('node/n1 uncordoned\n');
  expect((await api.get('nodes', '', 'n1')).spec?.unschedulable).toBe(false);

  const owner = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'rs-uid', controller: true }];
  const mk = (name: string, owned: boolean) =>
    api.create('pods', Pod.fromPartial({ metadata: { name, namespace: 'default', ownerReferences: owned ? owner : [] }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'busybox' }] } }));
  await mk('p1', true);
  await mk('p2', true);
  await mk('bare', false);

  const refused = await cli('drain', 'n1');
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain('default/bare: cannot delete Pods not managed by a controller (use --force to override)');
  expect((await api.get('nodes', '', 'n1')).spec?.unschedulable).toBe(true);
  expect((await api.list('pods', { fieldSelector: 'spec.nodeName=n1' })).items.filter((p) => p.metadata?.deletionTimestamp)).toEqual([]);

  // nobody confirms the deletions: the drain times out naming the pods left
  const slow = await cli('drain', 'n1', '--force', '--timeout', '2s');
  expect(slow.code).toBe(1);
  expect(slow.stderr).toMatch(/drain did not complete within 2s: 3 pod\(s\) remain on n1/);

  // now act as the node's agent: confirm each graceful deletion
  const watch = api.watch('pods', { fieldSelector: 'spec.nodeName=n1' });
  const agent = (async () => {
    for await (const ev of watch) {
      const m = ev.object?.metadata;
      if (ev.type !== 'DELETED' && m?.deletionTimestamp) await api.delete('pods', m.namespace, m.name, { gracePeriodSeconds: 0, force: true }).catch(() => undefined);
    }
  })();
  const drained = await cli('drain', 'n1', '--force', '--grace-period', '5', '--timeout', '60s');
  watch.close();
  await agent;
  expect(drained.code).toBe(0);
  expect(drained.stdout).toContain('node/n1 already cordoned\n');
  expect(drained.stdout.trim().split('\n').pop()).toBe('node/n1 drained');
  expect((await api.list('pods', { fieldSelector: 'spec.nodeName=n1' })).items).toEqual([]);
});
