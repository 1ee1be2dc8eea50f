import * as path from 'node:path';
import type { Command } from 'commander';
import { BadRequestError } from '../../lib/errors';
import { devPaths, endpoints } from './components';
import { devDown } from './dev-down';
import { devStatus, formatStatus } from './dev-status';
import { devUp } from './dev-up';
import { pushExampleImages } from './example-images';
import { checkRoot } from './prerequisites';
import { readState } from './state';
import { makeSettings, offsetPorts } from './topology';

const out = (line: string): void => void process.stdout.write(`${line}\n`);

/** berth itself as a command line: the same node and entry point that runs this CLI. */
function berthArgv(): string[] {
  return [process.execPath, path.resolve(process.argv[1] ?? 'berth')];
}

/** `berth dev up|down|status|push-examples`: a whole multi-node cluster on this machine. */
export function registerDevCommands(program: Command): void {
  const dev = program.command('dev').description('a local multi-node berth cluster: control plane on the host, nodes in network namespaces');
  dev
    .command('up')
    .description('start (or complete) the dev cluster; safe to run again')
    .option('--dir <dir>', 'data directory', '.berth')
    .option('--nodes <n>', 'number of node hosts', (v) => Number(v), 1)
    .option('--runtime <runtime>', 'OCI runtime on the nodes: crun or runc', 'crun')
    .option('--bridge <name>', 'host bridge the nodes attach to', 'berth0')
    .option('--node-prefix <prefix>', 'node hosts are <prefix>-<i> (netns and Node name)', 'berth-node')
    .option('--port-offset <n>', 'added to every default port (etcd 23790, NATS 4222, registry 5000, apiserver 6443, ...)', (v) => Number(v), 0)
    .option('--bridge-cidr <cidr>', "host's address on the bridge, with the nodes' network", '10.77.0.1/24')
    .option('--cluster-cidr <cidr>', 'pod network; each node gets a /24 of it', '10.244.0.0/16')
    .option('--install-deps', 'install missing Debian packages (scripts/deps.sh)', false)
    .option('--no-images', 'do not build and push the example images')
    .action(async (o: { dir: string; nodes: number; runtime: string; bridge: string; nodePrefix: string; portOffset: number; bridgeCidr: string; clusterCidr: string; installDeps: boolean; images: boolean }) => {
      const settings = makeSettings({ dir: path.resolve(o.dir), nodes: o.nodes, runtime: o.runtime, bridge: o.bridge, nodePrefix: o.nodePrefix, bridgeCidr: o.bridgeCidr, clusterCidr: o.clusterCidr, ports: offsetPorts(o.portOffset) });
      await devUp({ settings, berth: berthArgv(), installDeps: o.installDeps, pushImages: o.images, out });
    });
  dev
    .command('down')
    .description('stop everything dev up started and remove its host networking; keeps the data')
    .option('--dir <dir>', 'data directory', '.berth')
    .option('--purge', 'also remove the data directory and the berth-dev context', false)
    .action(async (o: { dir: string; purge: boolean }) => {
      checkRoot();
      await devDown({ dir: path.resolve(o.dir), purge: o.purge, out });
    });
  dev
    .command('status')
    .description('processes, nodes, routes, and the registry name to push images to')
    .option('--dir <dir>', 'data directory', '.berth')
    .action(async (o: { dir: string }) => {
      const report = await devStatus(path.resolve(o.dir));
      if (report === undefined) throw new BadRequestError(`no dev cluster in ${path.resolve(o.dir)}: start one with 'berth dev up'`);
      out(formatStatus(report));
    });
  dev
    .command('push-examples')
    .description('build the example images and push them into the dev registry')
    .option('--dir <dir>', 'data directory', '.berth')
    .action(async (o: { dir: string }) => {
      const state = readState(path.resolve(o.dir));
      if (state === undefined) throw new BadRequestError(`no dev cluster in ${path.resolve(o.dir)}: start one with 'berth dev up'`);
      const e = endpoints(state.settings);
      const pushed = await pushExampleImages({ outDir: devPaths(state.settings.dir).images, registryName: e.registryName });
      out(`pushed: ${pushed.join(', ') || 'none'}`);
    });
}
