import * as fs from 'node:fs';
import * as path from 'node:path';

/** Numbers temp files, so that two writes of one file in this process never share one. */
let tmpSeq = 0;

/** The instance of a container that runs (or last ran), as the host recorded it before creating it. */
export interface InstanceRecord {
  /** Runtime and snapshot id: `<short pod uid>-<container name>-<instance>`. */
  id: string;
  name: string;
  /** Counts instances of this container in this pod, from 1. */
  instance: number;
  /** The digest reference that runs ("repo@sha256:…"). */
  imageId: string;
  /** What the image store hold for this instance is on. */
  manifestDigest: string;
  /** The runtime refused to create or start it: reported as exited with code 128 (StartError). */
  startError?: { message: string; at: number };
}

/** The sandbox a pod got: written once its network is up. */
export interface SandboxRecord {
  ip: string;
  netnsPath: string;
}

/** `<12 hex of the uid>`: runtime ids and socket paths stay short. */
export function shortUid(uid: string): string {
  return uid.replace(/[^a-zA-Z0-9]/g, '').slice(0, 12).toLowerCase();
}

export function instanceId(uid: string, container: string, instance: number): string {
  return `${shortUid(uid)}-${container}-${instance}`;
}

/**
 * A pod's directory on the node, root/pods/<uid>/:
 *   sandbox.json               SandboxRecord
 *   etc/hosts|resolv.conf|hostname   bound into every container
 *   volumes/<name>/            emptyDirs (a tmpfs mount for medium Memory)
 *   containers/<name>.json     InstanceRecord of the container's current instance
 *   bundles/<id>/              OCI bundle: config.json and rootfs/ (the overlay mount)
 *   logs/<name>.log[.1]        the container's log and its previous instance's
 *   state.json                 the syncer's memory (pod-memory-store.ts), not read here
 * Everything is derived from the uid, so cleanup needs nothing else. This process is the only
 * writer of the records, so each is read from disk once (after a restart) and then served from
 * memory; forget(uid) drops a removed pod's.
 */
export class PodDirs {
  /** Record file → its content (undefined: known to be absent). */
  private readonly records = new Map<string, unknown>();

  constructor(readonly podsDir: string) {}

  pod(uid: string): string {
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(uid)) throw new Error(`invalid pod uid ${JSON.stringify(uid)}`);
    return path.join(this.podsDir, uid);
  }

  etc(uid: string, file: 'hosts' | 'resolv.conf' | 'hostname'): string {
    return path.join(this.pod(uid), 'etc', file);
  }

  volume(uid: string, name: string): string {
    return path.join(this.pod(uid), 'volumes', name);
  }

  bundle(uid: string, id: string): string {
    return path.join(this.pod(uid), 'bundles', id);
  }

  log(uid: string, container: string): string {
    return path.join(this.pod(uid), 'logs', `${container}.log`);
  }

  uids(): string[] {
    try {
      return fs.readdirSync(this.podsDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
    } catch {
      return [];
    }
  }

  readSandbox(uid: string): SandboxRecord | undefined {
    return this.read<SandboxRecord>(this.sandboxFile(uid));
  }

  writeSandbox(uid: string, rec: SandboxRecord): void {
    this.write(this.sandboxFile(uid), rec);
  }

  readInstance(uid: string, container: string): InstanceRecord | undefined {
    return this.read<InstanceRecord>(this.instanceFile(uid, container));
  }

  writeInstance(uid: string, rec: InstanceRecord): void {
    this.write(this.instanceFile(uid, rec.name), rec);
  }

  removeInstance(uid: string, container: string): void {
    const file = this.instanceFile(uid, container);
    fs.rmSync(file, { force: true });
    this.records.set(file, undefined);
  }

  /** Drops what is remembered of a pod whose directory was removed. */
  forget(uid: string): void {
    const prefix = this.pod(uid) + path.sep;
    for (const file of this.records.keys()) if (file.startsWith(prefix)) this.records.delete(file);
  }

  instances(uid: string): InstanceRecord[] {
    const dir = path.join(this.pod(uid), 'containers');
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch {
      return [];
    }
    return names.flatMap((n) => {
      const rec = n.endsWith('.json') ? readJson<InstanceRecord>(path.join(dir, n)) : undefined;
      return rec ? [rec] : [];
    });
  }

  private read<T>(file: string): T | undefined {
    if (!this.records.has(file)) this.records.set(file, readJson<T>(file));
    return this.records.get(file) as T | undefined;
  }

  private write(file: string, rec: unknown): void {
    writeJson(file, rec);
    this.records.set(file, rec);
  }

  private sandboxFile(uid: string): string {
    return path.join(this.pod(uid), 'sandbox.json');
  }

  private instanceFile(uid: string, container: string): string {
    return path.join(this.pod(uid), 'containers', `${container}.json`);
  }
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

export function writeJson(file: string, value: unknown): void {
  writeFileAtomic(file, JSON.stringify(value));
}

export function writeFileAtomic(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${++tmpSeq}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}
