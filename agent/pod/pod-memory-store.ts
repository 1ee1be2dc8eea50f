import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { PodMemory } from './pod-model';

/** Where the agent keeps what it remembers per pod across syncs and its own restarts. */
export interface PodMemoryStore {
  load(uid: string): Promise<PodMemory | undefined>;
  save(uid: string, memory: PodMemory): Promise<void>;
  remove(uid: string): Promise<void>;
}

/**
 * root/pods/<uid>/state.json, written atomically (temp file + rename). This process is its only
 * writer, so what it last read or wrote is kept in memory: a sync reads no file, and a sync that
 * changed nothing (most of them) writes none.
 */
export class FilePodMemoryStore implements PodMemoryStore {
  private readonly texts = new Map<string, string>();

  constructor(private readonly podsDir: string) {}

  private file(uid: string): string {
    return path.join(this.podsDir, uid, 'state.json');
  }

  async load(uid: string): Promise<PodMemory | undefined> {
    let text = this.texts.get(uid);
    if (text === undefined) {
      try {
        text = await fs.readFile(this.file(uid), 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
      this.texts.set(uid, text);
    }
    return JSON.parse(text) as PodMemory;
  }

  async save(uid: string, memory: PodMemory): Promise<void> {
    const text = JSON.stringify(memory);
    if (this.texts.get(uid) === text) return;
    const file = this.file(uid);
    await fs.mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    await fs.writeFile(tmp, text);
    await fs.rename(tmp, file);
    this.texts.set(uid, text);
  }

  async remove(uid: string): Promise<void> {
    this.texts.delete(uid);
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
