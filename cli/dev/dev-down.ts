import * as fs from 'node:fs';
import { removeDevContext } from './client-config';
import { controlPlaneSpecs } from './components';
import { deleteBridge, deleteNodeNetwork } from './host-network';
import { stopRecorded } from './launcher';
import { killNodeContainers, removeNodeCgroups, unmountUnder } from './node-cleanup';
import { readState, stateFile, writeState, type DevState } from './state';
import { nodeHost } from './topology';

/**
 * Takes node `index` apart: its agent (by recorded PID), then what the agent left running
 * (containers, pod netns), its mounts, and its netns with the veth. Its data stays.
 */
export async function removeNode(state: DevState, index: number): Promise<void> {
  const node = nodeHost(state.settings, index);
  const name = `agent-${index}`;
  const agent = state.processes[name];
  if (agent) await stopRecorded(agent);
  await killNodeContainers(node);
  await removeNodeCgroups(node);
  await unmountUnder(node.root);
  await deleteNodeNetwork(node);
  delete state.processes[name];
}

/** `berth dev down`: stops exactly what `up` recorded, removes its host networking; `purge` also the data. */
export async function devDown(opts: { dir: string; purge: boolean; out: (line: string) => void }): Promise<void> {
  const state = readState(opts.dir);
  if (state === undefined) {
    opts.out(`no dev cluster in ${opts.dir}`);
    if (opts.purge) await removeDevContext();
    return;
  }
  const s = state.settings;
  for (let i = 1; i <= s.nodes; i++) {
    await removeNode(state, i);
    writeState(state);
    opts.out(`  node ${i} removed`);
  }
  // Reverse start order: clients before the servers they use.
  for (const spec of controlPlaneSpecs(s, []).reverse()) {
    const rec = state.processes[spec.name];
    if (rec) await stopRecorded(rec);
    delete state.processes[spec.name];
    writeState(state);
    opts.out(`  ${spec.name} stopped`);
  }
  await unmountUnder(s.dir);
  await deleteBridge(s);
  opts.out(`bridge ${s.bridge} removed`);
  if (opts.purge) {
    // Only a directory that holds our state file is ours to delete.
    if (fs.existsSync(stateFile(s.dir))) fs.rmSync(s.dir, { recursive: true, force: true });
    await removeDevContext();
    opts.out(`${s.dir} and the berth-dev context removed`);
  } else {
    opts.out(`data kept in ${s.dir} ('berth dev down --purge' removes it)`);
  }
}
