import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { PodMemory } from './pod-model';

/** Where the agent keeps what it remembers per pod across syncs and its own restarts. */
export interface PodMemoryStore {
  load(uid: string): Promise<PodMemory | undefined>;
  save(uid: string, memory: PodMemory): Promise<void>;
  remove(uid: string): Promise<void>;
}

/** root/pods/<uid>/state.json, written atomically (temp file + rename). */
export class FilePodMemoryStore implements PodMemoryStore {
  constructor(private readonly podsDir: string) {}

  private file(uid: string): string {
    return path.join(this.podsDir, uid, 'state.json');
  }

  async load(uid: string): Promise<PodMemory | undefined> {
    try {
      return JSON.parse(await fs.readFile(this.file(uid), 'utf8')) as PodMemory;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async save(uid: string, memory: PodMemory): Promise<void> {
    const file = this.file(uid);
    await fs.mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    await fs.writeFile(tmp, JSON.stringify(memory));
    await fs.rename(tmp, file);
  }

  async remove(uid: string): Promise<void> {
    await fs.rm(this.file(uid), { force: true });
  }
}

/** Hollow nodes keep nothing on disk. */
export class InMemoryPodMemoryStore implements PodMemoryStore {
  private readonly pods = new Map<string, PodMemory>();

  async load(uid: string): Promise<PodMemory | undefined> {
    return this.pods.get(uid);
  }

  async save(uid: string, memory: PodMemory): Promise<void> {
    this.pods.set(uid, memory);
  }

  async remove(uid: string): Promise<void> {
    this.pods.delete(uid);
  }
}
