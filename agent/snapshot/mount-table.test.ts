import { BadRequestError } from '../../lib/errors';
import { mountPoints, overlayOptions } from './mount-table';

describe('mountPoints', () => {
  it('reads field 5 and decodes octal escapes', () => {
    const info = [
      '22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw',
      '91 22 0:45 / /tmp/a\\040b rw shared:50 - overlay overlay rw,lowerdir=2/fs:1/fs',
      '',
    ].join('\n');
    expect(mountPoints(info)).toEqual(['/', '/tmp/a b']);
  });
});

describe('overlayOptions', () => {
  const rw = { upperdir: '../containers/c1/upper', workdir: '../containers/c1/work' };
  it.each([
    [[1, 2], null, 'lowerdir=2/fs:1/fs'],
    [[1], rw, 'lowerdir=1/fs,upperdir=../containers/c1/upper,workdir=../containers/c1/work'],
    [[7, 3, 12], rw, 'lowerdir=12/fs:3/fs:7/fs,upperdir=../containers/c1/upper,workdir=../containers/c1/work'],
  ])('%j %j → %s', (ids, upper, want) => expect(overlayOptions(ids, upper)).toBe(want));

  it('fits 500 layers (the kernel limit) in one page', () => {
    const ids = Array.from({ length: 500 }, (_, i) => 1000 + i);
    expect(overlayOptions(ids, rw).length).toBeLessThan(4096);
  });
  it.each([
    [[], rw],
    [[1], null],
  ])('refuses %j with %j', (ids, upper) => expect(() => overlayOptions(ids, upper)).toThrow(BadRequestError));
  it('refuses mount data beyond one page', () => {
    const ids = Array.from({ length: 900 }, (_, i) => 100000 + i);
    expect(() => overlayOptions(ids, null)).toThrow('exceeds one page');
  });
});
