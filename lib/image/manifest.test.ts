import { UnsupportedManifestError } from './errors';
import { parseImageConfig, parseManifest } from './manifest';
import { MEDIA_DOCKER_MANIFEST, MEDIA_OCI_INDEX, MEDIA_OCI_MANIFEST } from './media-types';

const D = `sha256:${'a'.repeat(64)}`;
const desc = { mediaType: 'x', digest: D, size: 3 };
const j = (o: unknown): Buffer => Buffer.from(JSON.stringify(o));

test.each<[string, Buffer, string | undefined, 'index' | 'manifest' | RegExp]>([
  ['OCI manifest', j({ schemaVersion: 2, mediaType: MEDIA_OCI_MANIFEST, config: desc, layers: [desc] }), MEDIA_OCI_MANIFEST, 'manifest'],
  ['OCI manifest without mediaType', j({ schemaVersion: 2, config: desc, layers: [] }), MEDIA_OCI_MANIFEST, 'manifest'],
  ['Docker v2s2', j({ schemaVersion: 2, mediaType: MEDIA_DOCKER_MANIFEST, config: desc, layers: [desc] }), MEDIA_DOCKER_MANIFEST, 'manifest'],
  ['OCI index by shape', j({ schemaVersion: 2, manifests: [desc] }), undefined, 'index'],
  ['schema 1', j({ schemaVersion: 1, name: 'x' }), 'application/vnd.docker.distribution.manifest.v1+prettyjws', /schema 1 is unsupported/],
  ['content type mismatch', j({ schemaVersion: 2, mediaType: MEDIA_OCI_MANIFEST, config: desc, layers: [] }), MEDIA_OCI_INDEX, /does not match/],
  ['bad layer digest', j({ schemaVersion: 2, mediaType: MEDIA_OCI_MANIFEST, config: desc, layers: [{ ...desc, digest: 'sha256:zz' }] }), undefined, /invalid digest/],
  ['negative size', j({ schemaVersion: 2, mediaType: MEDIA_OCI_MANIFEST, config: { ...desc, size: -1 }, layers: [] }), undefined, /invalid size/],
  ['unknown type', j({ schemaVersion: 2, mediaType: 'text/plain' }), undefined, /unsupported manifest media type/],
  ['not JSON', Buffer.from('<html>'), 'text/html', /not valid JSON/],
])('%s', (_name, body, ct, want) => {
  if (want instanceof RegExp) {
    expect(() => parseManifest(body, ct)).toThrow(UnsupportedManifestError);
    expect(() => parseManifest(body, ct)).toThrow(want);
  } else {
    expect(parseManifest(body, ct).kind).toBe(want);
  }
});

test('config diff_ids must pair with layers', () => {
  expect(parseImageConfig(j({ rootfs: { type: 'layers', diff_ids: [D] } }), 1).rootfs.diff_ids).toEqual([D]);
  expect(() => parseImageConfig(j({ rootfs: { type: 'layers', diff_ids: [D] } }), 2)).toThrow(/1 diff_ids for 2 layers/);
  expect(() => parseImageConfig(j({}), 0)).toThrow(/rootfs.diff_ids/);
});
