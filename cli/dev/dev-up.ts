import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApiClient } from '../../lib/api/client';
import { BadRequestError, errorMessage } from '../../lib/errors';
import { waitUntil } from '../../lib/servers/process';
import { addDevContext, DEV_CONTEXT, writeDevClientConfig } from './client-config';
import { agentSpec, controlPlaneSpecs, devPaths, endpoints, type ComponentSpec } from './components';
import { run } from './exec';
import { pushExampleImages } from './example-images';
import { applyRoutes, ensureBridge, ensureNodeNetwork } from './host-network';
import { launchDetached } from './launcher';
import { nodeProgress } from './node-readiness';
import { checkRoot, commandPresent, MissingPrerequisiteError, missingMessage, missingRequirements } from './prerequisites';
import { processLiveness } from './proc-identity';
import { portTaken, waitReady } from './readiness';
import { hostRoutes, nodeRoutes, type NodeRouting } from './routes';
import { readState, writeState, type DevState } from './state';
import { hostAddress, nodeHosts, type DevSettings } from './topology';
import { removeNode } from './dev-down';

export interface DevUpOptions {
  settings: DevSettings;
  /** How to run berth itself: [node, path/to/berth.js]. */
  berth: string[];
  installDeps: boolean;
  pushImages: boolean;
  /** Progress lines for the user. */
  out: (line: string) => void;
  nodeTimeoutMs?: number;
}

/** Settings that cannot change under a running cluster (the node count can). */
function incompatible(a: DevSettings, b: DevSettings): string | undefined {
  const strip = (s: DevSettings) => JSON.stringify({ ...s, nodes: 0 });
  return strip(a) === strip(b) ? undefined : `${a.dir} holds a dev cluster made with other settings: run 'berth dev down' first`;
}

async function checkPrerequisites(opts: DevUpOptions): Promise<void> {
  checkRoot();
  let missing = missingRequirements(opts.settings.runtime, commandPresent);
  if (missing.length > 0 && opts.installDeps) {
    opts.out(`installing ${missing.map((m) => m.debianPackage).join(' ')} (scripts/deps.sh)`);
    await run(['bash', path.join(repoRoot(opts.berth), 'scripts', 'deps.sh')]);
    missing = missingRequirements(opts.settings.runtime, commandPresent);
  }
  if (missing.length > 0) throw new MissingPrerequisiteError(missingMessage(missing));
}

/** The repository root, from dist/cmd/berth.js (or cmd/berth.ts under ts-node). */
export function repoRoot(berth: string[]): string {
  let dir = path.dirname(berth[berth.length - 1] ?? '.');
  while (!fs.existsSync(path.join(dir, 'package.json')) && dir !== path.dirname(dir)) dir = path.dirname(dir);
  return dir;
}

function readinessAddress(spec: ComponentSpec): { host: string; port: number } | undefined {
  const r = spec.readiness;
  if (r.kind === 'tcp') return { host: r.host, port: r.port };
  if (r.kind === 'http') {
    const u = new URL(r.url);
    return { host: u.hostname, port: Number(u.port) };
  }
  return undefined;
}

/** Keeps a running part; (re)starts one that is gone or whose PID was reused; waits until ready. */
async function ensureComponent(state: DevState, spec: ComponentSpec, out: (l: string) => void): Promise<void> {
  const existing = state.processes[spec.name];
  if (existing && processLiveness(existing) === 'running') {
    out(`  ${spec.name}: already running (pid ${existing.pid})`);
    return;
  }
  const addr = readinessAddress(spec);
  if (addr && (await portTaken(addr.host, addr.port))) {
    throw new BadRequestError(`${spec.name}: ${addr.host}:${addr.port} is already in use by a process berth did not start (stop it, or use other ports)`);
  }
  for (const f of spec.files ?? []) fs.writeFileSync(f.path, f.content);
  // Parts log to their files at info even when `dev up` runs where logging is off (under jest).
  const record = launchDetached({ ...spec, env: { ...process.env, BERTH_LOG_LEVEL: process.env.BERTH_LOG_LEVEL ?? 'info' } });
  state.processes[spec.name] = record;
  writeState(state);
  await waitReady(spec, record);
  out(`  ${spec.name}: started (pid ${record.pid}, log ${record.logFile})`);
}

async function waitForNodes(client: ApiClient, names: string[], timeoutMs: number): Promise<Map<string, string>> {
  let last = nodeProgress([], names);
  try {
    await waitUntil(
      async () => {
        last = nodeProgress((await client.list('nodes')).items, names);
        return last.waiting.length === 0;
      },
      timeoutMs,
      'nodes',
      500,
    );
  } catch (err) {
    throw new Error(`nodes not ready after ${timeoutMs} ms (${last.waiting.join('; ')}); see the agent logs`, { cause: err });
  }
  return last.ready;
}

/** Host-gw routes between the nodes' podCIDRs, on the host and in each node. Returns how many it added. */
export async function ensureRoutes(s: DevSettings, podCidrs: Map<string, string>): Promise<number> {
  const routing: NodeRouting[] = nodeHosts(s).map((node) => ({ node, podCidr: podCidrs.get(node.name) ?? '' }));
  let added = (await applyRoutes(hostRoutes(routing, s.bridge))).length;
  for (const r of routing) added += (await applyRoutes(nodeRoutes(routing, r.node), r.node.netns)).length;
  return added;
}

/** `berth dev up`: brings the whole local cluster to the wanted state, whatever part already runs. */
export async function devUp(opts: DevUpOptions): Promise<DevState> {
  const s = opts.settings;
  const out = opts.out;
  await checkPrerequisites(opts);
  const previous = readState(s.dir);
  const conflict = previous && incompatible(previous.settings, s);
  if (conflict) throw new BadRequestError(conflict);
  const state: DevState = { version: 1, settings: s, processes: previous?.processes ?? {} };
  const p = devPaths(s.dir);
  for (const d of [p.logs, p.etcd, p.registry]) fs.mkdirSync(d, { recursive: true });
  writeState(state);

  out(`bridge ${s.bridge} ${s.bridgeCidr}`);
  await ensureBridge(s);
  out('control plane');
  for (const spec of controlPlaneSpecs(s, opts.berth)) await ensureComponent(state, spec, out);

  if (previous && previous.settings.nodes > s.nodes) {
    for (let i = s.nodes + 1; i <= previous.settings.nodes; i++) await removeNode(previous, i);
  }
  out(`nodes (${s.nodes})`);
  for (const node of nodeHosts(s)) {
    await ensureNodeNetwork(s, node, hostAddress(s));
    fs.mkdirSync(node.root, { recursive: true });
    await ensureComponent(state, agentSpec(s, node, opts.berth), out);
  }
  const e = endpoints(s);
  const client = new ApiClient(e.apiserver);
  try {
    out('waiting for nodes to be Ready with a podCIDR');
    const podCidrs = await waitForNodes(client, nodeHosts(s).map((n) => n.name), opts.nodeTimeoutMs ?? 90_000);
    for (const [name, cidr] of podCidrs) out(`  ${name}: Ready, podCIDR ${cidr}`);
    out(`routes: ${await ensureRoutes(s, podCidrs)} added`);
  } finally {
    client.close();
  }

  await writeDevClientConfig(p.clientConfig, e.apiserver);
  await addDevContext(e.apiserver);
  if (opts.pushImages) {
    try {
      const pushed = await pushExampleImages({ outDir: p.images, registryName: e.registryName });
      out(`images pushed: ${pushed.join(', ') || 'none'}`);
    } catch (err) {
      out(`images not pushed (${errorMessage(err)}); retry with 'berth dev push-examples'`);
    }
  }
  out('');
  out(`berth dev cluster is up: apiserver ${e.apiserver}, registry ${e.registryName} (push images as ${e.registryName}/NAME:TAG)`);
  out(`context '${DEV_CONTEXT}' added to your berth config; or use BERTH_CONFIG=${p.clientConfig}`);
  out('try: berth apply -f examples/hello.yaml && berth get pods -o wide');
  return state;
}
