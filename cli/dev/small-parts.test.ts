import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Node } from '../../lib/api/types';
import { nodeProgress } from './node-readiness';
import { missingMessage, missingRequirements } from './prerequisites';
import { readState, stateFile, writeState, type DevState } from './state';
import { makeSettings } from './topology';

describe('missingRequirements', () => {
  it('names the command and the Debian package that provides it', () => {
    const missing = missingRequirements('runc', (c) => !['etcd', 'runc', '/usr/lib/cni/bridge'].includes(c));
    expect(missing.map((m) => m.debianPackage)).toEqual(['etcd-server', 'containernetworking-plugins', 'runc']);
    expect(missingMessage(missing)).toContain('apt-get install etcd-server containernetworking-plugins runc');
  });
  it('asks only for the chosen runtime', () => {
    expect(missingRequirements('crun', (c) => c !== 'runc')).toEqual([]);
  });
});

describe('state file', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-dev-state-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('round-trips and leaves no temp file', () => {
    const state: DevState = { version: 1, settings: makeSettings({ dir, nodes: 2, runtime: 'crun' }), processes: { etcd: { name: 'etcd', pid: 42, argv: ['etcd'], logFile: 'x' } } };
    writeState(state);
    expect(readState(dir)).toEqual(state);
    expect(fs.readdirSync(dir)).toEqual(['state.json']);
  });
  it('is absent when never written, or of an unknown version', () => {
    expect(readState(dir)).toBeUndefined();
    fs.writeFileSync(stateFile(dir), JSON.stringify({ version: 99 }));
    expect(readState(dir)).toBeUndefined();
  });
});

describe('nodeProgress', () => {
  const node = (name: string, podCidr: string, ready: string) =>
    Node.fromPartial({ metadata: { name }, spec: { podCidr }, status: { conditions: [{ type: 'Ready', status: ready }] } });
  it('reports each wanted node ready or why not', () => {
    const p = nodeProgress([node('n1', '10.244.0.0/24', 'True'), node('n2', '', 'True'), node('n3', '10.244.2.0/24', 'False'), node('other', '10.244.9.0/24', 'True')], ['n1', 'n2', 'n3', 'n4']);
    expect([...p.ready]).toEqual([['n1', '10.244.0.0/24']]);
    expect(p.waiting).toEqual(['n2: no podCIDR yet', 'n3: not Ready', 'n4: not registered']);
  });
});
