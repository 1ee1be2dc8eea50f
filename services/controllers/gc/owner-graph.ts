import type { GcObject } from './plan';

/**
 * The garbage collector's dependency graph, kept up to date from informer events (Kubernetes'
 * GraphBuilder): objects by uid and, for every owner uid (present or not), its dependents. It
 * lets one object be judged from its neighbourhood instead of re-reading every object.
 */
export class OwnerGraph {
  private readonly objects = new Map<string, GcObject>();
  private readonly dependents = new Map<string, Set<string>>();

  /** Adds or replaces an object; returns the owner uids it no longer references. */
  upsert(o: GcObject): string[] {
    const uid = o.meta.uid;
    const old = this.objects.get(uid);
    this.objects.set(uid, o);
    const now = new Set(ownerUids(o));
    const dropped = old ? ownerUids(old).filter((u) => !now.has(u)) : [];
    for (const u of dropped) this.unlink(u, uid);
    for (const u of now) {
      let deps = this.dependents.get(u);
      if (!deps) this.dependents.set(u, (deps = new Set()));
      deps.add(uid);
    }
    return dropped;
  }

  /** Removes an object; returns it (its owners and dependents may need a look). */
  remove(uid: string): GcObject | undefined {
    const old = this.objects.get(uid);
    if (!old) return undefined;
    this.objects.delete(uid);
    for (const u of ownerUids(old)) this.unlink(u, uid);
    return old;
  }

  get(uid: string): GcObject | undefined {
    return this.objects.get(uid);
  }

  dependentsOf(uid: string): GcObject[] {
    const out: GcObject[] = [];
    for (const d of this.dependents.get(uid) ?? []) {
      const o = this.objects.get(d);
      if (o) out.push(o);
    }
    return out;
  }

  /** The object, the owners of it that exist, and its dependents: all planGc needs to judge it. */
  neighbourhood(uid: string): GcObject[] {
    const o = this.objects.get(uid);
    if (!o) return [];
    const out = [o];
    for (const u of ownerUids(o)) {
      const owner = this.objects.get(u);
      if (owner && owner !== o) out.push(owner);
    }
    for (const d of this.dependentsOf(uid)) if (d !== o) out.push(d);
    return out;
  }

  private unlink(owner: string, dependent: string): void {
    const deps = this.dependents.get(owner);
    if (!deps) return;
    deps.delete(dependent);
    if (deps.size === 0) this.dependents.delete(owner);
  }
}

function ownerUids(o: GcObject): string[] {
  return (o.meta.ownerReferences ?? []).map((r) => r.uid);
}
