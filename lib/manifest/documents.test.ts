import * as path from 'node:path';
import { Readable } from 'node:stream';
import type { Deployment, Pod } from '../api/types';
import { formatDocumentFieldError, validateManifestDocuments } from './documents';
import { loadManifests, ManifestParseError, parseManifests } from './load';

const testdata = (name: string) => path.join(__dirname, 'testdata', name);

function check(yaml: string) {
  const r = validateManifestDocuments(parseManifests(yaml, 'app.yaml'));
  return { ...r, errorText: r.errors.map(formatDocumentFieldError), warningText: r.warnings.map(formatDocumentFieldError) };
}

const pod = (spec: string, extra = '') => `apiVersion: v1
kind: Pod
metadata:
  name: p
${extra}spec:
${spec}`;

describe('loading', () => {
  test('multi-document YAML, empty documents skipped, List expanded', () => {
    const docs = parseManifests('a: 1\n---\n---\nkind: List\nitems:\n- b: 2\n- c: 3\n', 'x.yaml');
    expect(docs).toEqual([
      { source: 'x.yaml', index: 1, content: { a: 1 } },
      { source: 'x.yaml', index: 3, item: 0, content: { b: 2 } },
      { source: 'x.yaml', index: 3, item: 1, content: { c: 3 } },
    ]);
  });

  test('invalid YAML names the file, document and line', () => {
    expect(() => parseManifests('a: 1\n---\nb: [1, 2\n', 'bad.yaml')).toThrow(ManifestParseError);
    expect(() => parseManifests('a: 1\n---\nb: [1, 2\n', 'bad.yaml')).toThrow(/^bad\.yaml: document 2: invalid YAML \(line \d+/);
  });

  test('a directory loads its yaml, yml and json files sorted by name', async () => {
    const docs = await loadManifests([testdata('dir')]);
    expect(docs.map((d) => [path.basename(d.source), d.index, (d.content as Pod).metadata?.name])).toEqual([
      ['a-pod.json', 1, 'one'],
      ['b-pod.yml', 1, 'two'],
      ['b-pod.yml', 2, 'three'],
    ]);
  });

  test('"-" reads stdin', async () => {
    const docs = await loadManifests(['-'], Readable.from([pod('  containers: [{name: c, image: busybox}]\n')]));
    expect(docs).toHaveLength(1);
    expect(docs[0].source).toBe('<stdin>');
  });

  test('a missing file is a clear error', async () => {
    await expect(loadManifests(['/nonexistent/app.yaml'])).rejects.toThrow('/nonexistent/app.yaml: no such file or directory');
  });
});

describe('Kubernetes manifests', () => {
  test('the Kubernetes documentation nginx Deployment loads unmodified, without warnings', async () => {
    const r = validateManifestDocuments(await loadManifests([testdata('nginx-deployment.yaml')]));
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    const d = r.objects[0].object as Deployment;
    expect(r.objects[0].kind).toBe('deployments');
    expect(d.spec?.replicas).toBe(3);
    expect(d.spec?.template?.spec?.containers[0]).toMatchObject({ name: 'nginx', image: 'nginx:1.14.2', ports: [{ containerPort: 80 }] });
  });

  test('a deployment exported by kubectl loads with warnings for what berth ignores', async () => {
    const r = validateManifestDocuments(await loadManifests([testdata('web-exported.yaml')]));
    expect(r.errors).toEqual([]);
    const fields = r.warnings.map((w) => w.field).sort();
    expect(fields).toEqual([
      'metadata.managedFields',
      'spec.template.spec.containers[0].terminationMessagePath',
      'spec.template.spec.containers[0].terminationMessagePolicy',
      'spec.template.spec.dnsPolicy',
      'spec.template.spec.schedulerName',
      'status',
    ]);
    const d = r.objects[0].object as Deployment;
    const c = d.spec!.template!.spec!.containers[0];
    expect(c.resources?.requests).toEqual({ cpu: '0.1', memory: '64Mi' });
    expect(c.readinessProbe?.tcpSocket?.port).toBe('8080');
    expect(d.spec?.strategy?.rollingUpdate).toEqual({ maxSurge: '1', maxUnavailable: '0' });
    expect(d.spec?.template?.spec?.volumes[0].emptyDir).toEqual({ medium: '', sizeLimit: '' });
    expect(d.status).toBeUndefined();
  });

  test('Kubernetes spellings map to the proto names (hostIP)', () => {
    const r = check(pod('  containers: [{name: c, image: busybox, ports: [{containerPort: 80, hostPort: 8080, hostIP: 127.0.0.1}]}]\n'));
    expect(r.errors).toEqual([]);
    expect((r.objects[0].object as Pod).spec?.containers[0].ports[0].hostIp).toBe('127.0.0.1');
  });

  test('the namespace option fills in namespaced objects that name none', () => {
    const r = validateManifestDocuments(parseManifests(pod('  containers: [{name: c, image: busybox}]\n'), 'a.yaml'), { namespace: 'team' });
    expect(r.objects[0].object.metadata?.namespace).toBe('team');
  });
});

describe('field errors name the file, document and field', () => {
  test.each([
    ['an unknown field', pod('  containers: [{name: c, image: busybox, imagePolicy: Always}]\n'), 'app.yaml, document 1 (Pod p): spec.containers[0].imagePolicy: unknown field "imagePolicy"'],
    ['an unknown top-level field', pod('  containers: [{name: c, image: busybox}]\n') + 'extra: 1\n', 'app.yaml, document 1 (Pod p): extra: unknown field "extra"'],
    ['initContainers', pod('  initContainers: [{name: i, image: busybox}]\n  containers: [{name: c, image: busybox}]\n'), 'app.yaml, document 1 (Pod p): spec.initContainers: init containers are not supported by berth'],
    ['a secret volume', pod('  volumes: [{name: s, secret: {secretName: x}}]\n  containers: [{name: c, image: busybox}]\n'), 'app.yaml, document 1 (Pod p): spec.volumes[0].secret: volume type secret is not supported by berth (only emptyDir and hostPath)'],
    ['runAsUser', pod('  containers: [{name: c, image: busybox, securityContext: {runAsUser: 1000}}]\n'), 'app.yaml, document 1 (Pod p): spec.containers[0].securityContext.runAsUser: not supported by berth: the image\'s user is used'],
    ['privileged: true', pod('  containers: [{name: c, image: busybox, securityContext: {privileged: true}}]\n'), 'app.yaml, document 1 (Pod p): spec.containers[0].securityContext.privileged: not supported by berth: berth runs no privileged containers'],
    ['hostNetwork: true', pod('  hostNetwork: true\n  containers: [{name: c, image: busybox}]\n'), 'app.yaml, document 1 (Pod p): spec.hostNetwork: host networking is not supported by berth'],
    ['envFrom', pod('  containers: [{name: c, image: busybox, envFrom: [{configMapRef: {name: x}}]}]\n'), 'app.yaml, document 1 (Pod p): spec.containers[0].envFrom: envFrom is not supported by berth (no ConfigMaps or Secrets): set env values'],
    ['valueFrom', pod('  containers: [{name: c, image: busybox, env: [{name: A, valueFrom: {fieldRef: {fieldPath: x}}}]}]\n'), 'app.yaml, document 1 (Pod p): spec.containers[0].env[0].valueFrom: valueFrom is not supported by berth (no ConfigMaps, Secrets or downward API): set a value'],
    ['another scheduler', pod('  schedulerName: my-scheduler\n  containers: [{name: c, image: busybox}]\n'), "app.yaml, document 1 (Pod p): spec.schedulerName: only berth's scheduler exists"],
    ['a number where a string belongs', pod('  containers: [{name: c, image: busybox}]\n', '  labels: {version: 1.0}\n'), 'app.yaml, document 1 (Pod p): metadata.labels.version: must be a string, not number 1 (quote it)'],
    ['a string where a number belongs', pod('  containers: [{name: c, image: busybox, ports: [{containerPort: "80"}]}]\n'), 'app.yaml, document 1 (Pod p): spec.containers[0].ports[0].containerPort: must be an integer, not string "80"'],
    ['an object where a list belongs', pod('  containers: {name: c, image: busybox}\n'), 'app.yaml, document 1 (Pod p): spec.containers: must be a list, not an object'],
    ['an unknown kind', 'apiVersion: v1\nkind: Service\nmetadata: {name: s}\n', 'app.yaml, document 1 (Service s): kind: berth does not know kind "Service" (it has Pod, Deployment, ReplicaSet, Node, Event, Lease)'],
    ['a wrong apiVersion', 'apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata: {name: d}\n', 'app.yaml, document 1 (Deployment d): apiVersion: Deployment is served as "apps/v1", not "extensions/v1beta1"'],
    ['a bad image (semantic validation)', pod('  containers: [{name: c, image: "Foo::bar"}]\n'), 'app.yaml, document 1 (Pod p): spec.containers[0].image: invalid reference format "Foo::bar"'],
  ])('%s', (_what, yaml, expected) => {
    const r = check(yaml);
    expect(r.errorText.length).toBeGreaterThan(0);
    expect(r.errorText[0].startsWith(expected)).toBe(true);
    expect(r.objects).toEqual([]);
  });

  test.each([
    ['hostNetwork: false', pod('  hostNetwork: false\n  containers: [{name: c, image: busybox}]\n'), 'spec.hostNetwork'],
    ['allowPrivilegeEscalation: false', pod('  containers: [{name: c, image: busybox, securityContext: {allowPrivilegeEscalation: false}}]\n'), 'spec.containers[0].securityContext.allowPrivilegeEscalation'],
    ['imagePullSecrets', pod('  imagePullSecrets: [{name: regcred}]\n  containers: [{name: c, image: busybox}]\n'), 'spec.imagePullSecrets'],
    ['empty initContainers', pod('  initContainers: []\n  containers: [{name: c, image: busybox}]\n'), 'spec.initContainers'],
  ])('harmless: %s is only a warning', (_what, yaml, field) => {
    const r = check(yaml);
    expect(r.errors).toEqual([]);
    expect(r.warnings.map((w) => w.field)).toEqual([field]);
    expect(r.warningText[0]).toMatch(/: ignored: /);
  });

  test('every error of every document is reported, and no object of an invalid set is returned for it', () => {
    const good = pod('  containers: [{name: c, image: busybox}]\n');
    const bad = 'apiVersion: v1\nkind: Pod\nmetadata: {name: q}\nspec:\n  containers: [{name: C, image: busybox, ports: [{containerPort: 0}]}]\n';
    const r = check(`${good}---\n${bad}`);
    expect(r.objects.map((o) => o.object.metadata?.name)).toEqual(['p']);
    expect(r.errorText).toEqual([
      expect.stringMatching(/^app\.yaml, document 2 \(Pod q\): spec\.containers\[0\]\.name: a lowercase RFC 1123 label/),
      'app.yaml, document 2 (Pod q): spec.containers[0].ports[0].containerPort: must be between 1 and 65535, inclusive, got 0',
    ]);
  });

  test('field errors and semantic errors of one document are reported together', () => {
    const r = check('apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  replicas: -1\n  selector: {matchLabels: {app: x}}\n  template:\n    metadata: {labels: {app: x}}\n    spec:\n      initContainers: [{name: i, image: busybox}]\n      containers: [{name: c, image: "Foo::bar"}]\n');
    expect(r.errors.map((e) => e.field)).toEqual(['spec.template.spec.initContainers', 'spec.replicas', 'spec.template.spec.containers[0].image']);
    expect(r.objects).toEqual([]);
  });

  test('the same object twice is an error', () => {
    const p = pod('  containers: [{name: c, image: busybox}]\n');
    expect(check(`${p}---\n${p}`).errorText).toEqual(['app.yaml, document 2 (Pod p): metadata.name: the same object is also defined in app.yaml, document 1 (Pod p)']);
  });
});
