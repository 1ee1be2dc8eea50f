import { chooseCompression, declaredCompression } from './unpack-decompress';
import { LayerFormatError } from './unpack-errors';

const GZ = Buffer.from([0x1f, 0x8b, 0x08, 0]);
const ZST = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);
const TAR = Buffer.from('etc/passwd');

describe('declaredCompression', () => {
  it.each([
    ['application/vnd.oci.image.layer.v1.tar+gzip', 'gzip'],
    ['application/vnd.oci.image.layer.nondistributable.v1.tar+gzip', 'gzip'],
    ['application/vnd.docker.image.rootfs.diff.tar.gzip', 'gzip'],
    ['application/vnd.docker.image.rootfs.foreign.diff.tar.gzip', 'gzip'],
    ['application/vnd.oci.image.layer.v1.tar+zstd', 'zstd'],
    ['application/vnd.oci.image.layer.v1.tar', 'none'],
    ['application/vnd.docker.image.rootfs.diff.tar', 'none'],
    ['application/octet-stream', 'unknown'],
    ['', 'unknown'],
  ])('%s → %s', (mt, want) => expect(declaredCompression(mt)).toBe(want));
});

describe('chooseCompression', () => {
  it.each([
    ['application/vnd.oci.image.layer.v1.tar+gzip', GZ, 'gzip'],
    ['application/vnd.oci.image.layer.v1.tar+zstd', ZST, 'zstd'],
    ['application/vnd.oci.image.layer.v1.tar', TAR, 'none'],
    ['application/vnd.oci.image.layer.v1.tar', GZ, 'gzip'],
    ['application/octet-stream', ZST, 'zstd'],
    ['application/octet-stream', GZ, 'gzip'],
    ['application/octet-stream', TAR, 'none'],
    ['application/octet-stream', Buffer.alloc(0), 'none'],
  ])('%s with %j → %s', (mt, head, want) => expect(chooseCompression(mt, head)).toBe(want));

  it.each([
    ['application/vnd.oci.image.layer.v1.tar+gzip', TAR],
    ['application/vnd.oci.image.layer.v1.tar+gzip', ZST],
    ['application/vnd.oci.image.layer.v1.tar+zstd', GZ],
  ])('%s whose bytes disagree fails', (mt, head) => expect(() => chooseCompression(mt, head)).toThrow(LayerFormatError));
});
