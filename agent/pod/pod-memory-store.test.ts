import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FilePodMemoryStore } from './pod-memory-store';
import type { PodMemory } from './pod-model';

const memory = (restartCount: number): PodMemory => ({ startedAt: 1, containers: { main: { restartCount } } });

describe('FilePodMemoryStore', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-memory-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = () => path.join(dir, 'uid1', 'state.json');

  test('a save that changes nothing writes nothing; a change is written for the next agent', async () => {
    const store = new FilePodMemoryStore(dir);
    await store.save('uid1', memory(0));
    const ino = fs.statSync(file()).ino;
    await store.save('uid1', memory(0));
    expect(fs.statSync(file()).ino).toBe(ino);
    await store.save('uid1', memory(1));
    expect(fs.statSync(file()).ino).not.toBe(ino);
    expect(await new FilePodMemoryStore(dir).load('uid1')).toEqual(memory(1));
  });

  test('load hands out copies; remove forgets', async () => {
    const store = new FilePodMemoryStore(dir);
    await store.save('uid1', memory(2));
    const m = (await store.load('uid1'))!;
    m.containers.main!.restartCount = 9;
    expect(await store.load('uid1')).toEqual(memory(2));
    await store.remove('uid1');
    expect(fs.existsSync(file())).toBe(false);
    expect(await store.load('uid1')).toBeUndefined();
  });
});
