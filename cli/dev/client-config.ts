import { addContext, removeContext, writeConfig, type Context } from '../../lib/config/config';

export const DEV_CONTEXT = 'berth-dev';

function devContext(server: string): Context {
  return { name: DEV_CONTEXT, server, namespace: 'default' };
}

/** DIR/config: a berth config holding only the dev cluster, for `BERTH_CONFIG=DIR/config`. */
export async function writeDevClientConfig(file: string, server: string): Promise<void> {
  await writeConfig({ currentContext: DEV_CONTEXT, contexts: [devContext(server)] }, file);
}

/** Adds (or replaces) the dev context in the user's config (BERTH_CONFIG or ~/.berth/config) and makes it current. */
export async function addDevContext(server: string): Promise<void> {
  await addContext(devContext(server), { makeCurrent: true });
}

/** Removes only berth's own dev context, leaving the user's other contexts as they are. */
export async function removeDevContext(): Promise<void> {
  await removeContext(DEV_CONTEXT);
}
