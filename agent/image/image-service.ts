import * as path from 'node:path';
import { RegistryClient } from '../../lib/image/registry-client';
import type { RegistryConfig } from '../../lib/image/registry-config';
import type { Logger } from '../../lib/log';
import { Snapshotter } from '../snapshot/snapshotter';
import { ContentStore } from './content-store';
import { ImageStore } from './image-store';
import { Puller } from './puller';

export const DEFAULT_IMAGE_ROOT = '/var/lib/berth';

/** A node's image stores under one root: `content/`, `snapshots/`, `images/` + `leases/`. */
export interface ImageService {
  content: ContentStore;
  snapshots: Snapshotter;
  images: ImageStore;
  client: RegistryClient;
  puller: Puller;
}

export function openImageService(root: string, opts: { registryConfig?: RegistryConfig; logger?: Logger; fsync?: boolean } = {}): ImageService {
  const content = new ContentStore(path.join(root, 'content'), { fsync: opts.fsync });
  const snapshots = new Snapshotter(path.join(root, 'snapshots'), opts.logger);
  const images = new ImageStore(root);
  const client = new RegistryClient({ config: opts.registryConfig, logger: opts.logger });
  return { content, snapshots, images, client, puller: new Puller({ client, content, snapshots, images, logger: opts.logger }) };
}
