import { Deployment, type ApiClient, type Pod } from '../../../lib/api';
import { getCondition } from '../../../lib/controller';
import { waitUntil } from '../../../lib/servers/process';

/** A digest-pinned image: the controller-manager records it without asking a registry. */
export const pinned = (c: string): string => `app@sha256:${c.repeat(64)}`;

export interface DeploymentFixture {
  name: string;
  replicas: number;
  image: string;
  maxSurge?: string;
  maxUnavailable?: string;
  minReadySeconds?: number;
  annotations?: Record<string, string>;
  templateAnnotations?: Record<string, string>;
}

export function deployment(f: DeploymentFixture): Deployment {
  return Deployment.fromPartial({
    metadata: { name: f.name, namespace: 'default', annotations: f.annotations ?? {} },
    spec: {
      replicas: f.replicas,
      minReadySeconds: f.minReadySeconds ?? 0,
      selector: { matchLabels: { app: f.name } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: f.maxSurge ?? '25%', maxUnavailable: f.maxUnavailable ?? '25%' } },
      template: { metadata: { labels: { app: f.name }, annotations: f.templateAnnotations ?? {} }, spec: { containers: [{ name: 'web', image: f.image }] } },
    },
  });
}

/** Changes a Deployment through a read-modify-write that retries on conflicts. */
export async function updateDeployment(client: ApiClient, name: string, change: (d: Deployment) => Deployment): Promise<Deployment> {
  let out: Deployment | undefined;
  await waitUntil(
    async () => {
      out = await client.update('deployments', change(await client.get('deployments', 'default', name)));
      return true;
    },
    10_000,
    `update of deployment ${name}`,
  );
  return out as Deployment;
}

export function isReady(p: Pod): boolean {
  return getCondition(p.status?.conditions, 'Ready')?.status === 'True';
}

export function isTerminating(p: Pod): boolean {
  return !!p.metadata?.deletionTimestamp || p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
}

/** The pods of Deployment `name` (by its app label), not terminating. */
export async function livePods(client: ApiClient, name: string): Promise<Pod[]> {
  return (await client.list('pods', { namespace: 'default', labelSelector: `app=${name}` })).items.filter((p) => !isTerminating(p));
}

/**
 * Waits until the Deployment's rollout is complete as kubectl's `rollout status` judges it,
 * and every live pod is bound, Ready and of the current template.
 */
export async function waitForRollout(client: ApiClient, name: string, timeoutMs = 45_000): Promise<Deployment> {
  let d: Deployment | undefined;
  await waitUntil(
    async () => {
      d = await client.get('deployments', 'default', name);
      const s = d.status;
      const want = d.spec?.replicas ?? 0;
      if (!s || s.observedGeneration < (d.metadata?.generation ?? 0)) return false;
      if (s.updatedReplicas !== want || s.availableReplicas !== want || s.replicas !== want) return false;
      const pods = await livePods(client, name);
      return pods.length === want && pods.every((p) => p.spec?.nodeName && isReady(p));
    },
    timeoutMs,
    `rollout of deployment ${name}`,
    200,
  );
  return d as Deployment;
}

/** The image each live pod runs (its first container's imageID, the resolved digest reference). */
export async function runningImages(client: ApiClient, name: string): Promise<string[]> {
  return (await livePods(client, name)).map((p) => p.status?.containerStatuses?.[0]?.imageId ?? '');
}
