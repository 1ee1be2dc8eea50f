import { UnsupportedManifestError } from './errors';
import { digestProblem } from './digest';
import {
  MEDIA_DOCKER_SCHEMA1,
  MEDIA_DOCKER_SCHEMA1_SIGNED,
  isIndexType,
  isManifestType,
} from './media-types';
import type { Platform } from './platform';

/** OCI content descriptor (the fields berth uses). */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  urls?: string[];
  annotations?: Record<string, string>;
  platform?: Platform;
}

export interface ImageManifest {
  schemaVersion: 2;
  mediaType: string;
  config: Descriptor;
  layers: Descriptor[];
}

export interface ImageIndex {
  schemaVersion: 2;
  mediaType: string;
  manifests: Descriptor[];
}

/** The parts of an image config (OCI image-spec config.md) a node needs. */
export interface ImageConfig {
  architecture?: string;
  os?: string;
  variant?: string;
  config?: {
    User?: string;
    Env?: string[];
    Entrypoint?: string[] | null;
    Cmd?: string[] | null;
    WorkingDir?: string;
    ExposedPorts?: Record<string, object>;
    Labels?: Record<string, string>;
    StopSignal?: string;
  };
  rootfs: { type: string; diff_ids: string[] };
}

export type ParsedManifest = { kind: 'index'; index: ImageIndex } | { kind: 'manifest'; manifest: ImageManifest };

const MAX_LAYERS = 500; // overlayfs' own limit on lower layers

/**
 * Parses a manifest body. `contentType` is the response's Content-Type (parameters stripped);
 * when the body names its mediaType the two must agree (a mismatch means a confused or hostile
 * registry). Schema 1 is refused with a clear message.
 */
export function parseManifest(body: Buffer, contentType: string | undefined): ParsedManifest {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new UnsupportedManifestError('manifest is not valid JSON', { cause: err });
  }
  if (typeof doc !== 'object' || doc === null) throw new UnsupportedManifestError('manifest is not a JSON object');
  const declared = typeof doc.mediaType === 'string' ? doc.mediaType : undefined;
  if (doc.schemaVersion === 1 || contentType === MEDIA_DOCKER_SCHEMA1 || contentType === MEDIA_DOCKER_SCHEMA1_SIGNED) {
    throw new UnsupportedManifestError('Docker image manifest schema 1 is unsupported (deprecated since 2017): push the image again with a current client');
  }
  if (doc.schemaVersion !== 2) throw new UnsupportedManifestError(`unsupported manifest schemaVersion ${String(doc.schemaVersion)}`);
  const ct = contentType && contentType !== 'application/json' && contentType !== 'application/octet-stream' ? contentType : undefined;
  if (declared && ct && declared !== ct) {
    throw new UnsupportedManifestError(`manifest Content-Type "${ct}" does not match its mediaType "${declared}"`);
  }
  // OCI allows an absent mediaType: tell index from manifest by shape.
  const mediaType = declared ?? ct ?? (Array.isArray(doc.manifests) ? 'application/vnd.oci.image.index.v1+json' : 'application/vnd.oci.image.manifest.v1+json');
  if (isIndexType(mediaType)) {
    if (!Array.isArray(doc.manifests)) throw new UnsupportedManifestError('image index has no manifests list');
    return { kind: 'index', index: { schemaVersion: 2, mediaType, manifests: doc.manifests.map((d, i) => descriptor(d, `manifests[${i}]`)) } };
  }
  if (!isManifestType(mediaType)) throw new UnsupportedManifestError(`unsupported manifest media type "${mediaType}"`);
  if (!Array.isArray(doc.layers)) throw new UnsupportedManifestError('image manifest has no layers list');
  if (doc.layers.length > MAX_LAYERS) throw new UnsupportedManifestError(`image has ${doc.layers.length} layers, more than the ${MAX_LAYERS} overlayfs can stack`);
  return {
    kind: 'manifest',
    manifest: { schemaVersion: 2, mediaType, config: descriptor(doc.config, 'config'), layers: doc.layers.map((d, i) => descriptor(d, `layers[${i}]`)) },
  };
}

function descriptor(raw: unknown, where: string): Descriptor {
  const d = raw as Partial<Descriptor> | null;
  if (typeof d !== 'object' || d === null) throw new UnsupportedManifestError(`${where} is not a descriptor`);
  if (typeof d.digest !== 'string' || digestProblem(d.digest) !== undefined) {
    throw new UnsupportedManifestError(`${where} has an invalid digest ${JSON.stringify(d.digest)}`);
  }
  if (typeof d.size !== 'number' || !Number.isSafeInteger(d.size) || d.size < 0) throw new UnsupportedManifestError(`${where} has an invalid size`);
  if (typeof d.mediaType !== 'string') throw new UnsupportedManifestError(`${where} has no mediaType`);
  return { mediaType: d.mediaType, digest: d.digest, size: d.size, urls: d.urls, annotations: d.annotations, platform: d.platform };
}

/** Parses an image config blob; its rootfs.diff_ids must pair one to one with the layers. */
export function parseImageConfig(body: Buffer, layerCount: number): ImageConfig {
  let cfg: ImageConfig;
  try {
    cfg = JSON.parse(body.toString('utf8')) as ImageConfig;
  } catch (err) {
    throw new UnsupportedManifestError('image config is not valid JSON', { cause: err });
  }
  const diffIds = cfg?.rootfs?.diff_ids;
  if (!Array.isArray(diffIds) || diffIds.some((d) => typeof d !== 'string' || digestProblem(d) !== undefined)) {
    throw new UnsupportedManifestError('image config has no valid rootfs.diff_ids');
  }
  if (diffIds.length !== layerCount) {
    throw new UnsupportedManifestError(`image config lists ${diffIds.length} diff_ids for ${layerCount} layers`);
  }
  return cfg;
}
