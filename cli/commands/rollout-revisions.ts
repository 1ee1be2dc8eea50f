// A Deployment and its revisions (from the ReplicaSets it controls), read for history and undo.
import type { Deployment } from '../../lib/api/types';
import { revisionsOf, type Revision } from '../../lib/rollout';
import { labelSelectorToString } from '../../lib/selectors';
import type { Session } from '../connection';

export async function readRevisions(s: Session, namespace: string, name: string): Promise<{ deployment: Deployment; revisions: Revision[] }> {
  const deployment = await s.client.get('deployments', namespace, name);
  const selector = deployment.spec?.selector;
  const { items } = await s.client.list('replicasets', { namespace, labelSelector: selector ? labelSelectorToString(selector) : undefined });
  return { deployment, revisions: revisionsOf(deployment, items) };
}
