import { LayerLimitError, UnsafeLayerError } from './unpack-errors';
import { isReservedXattr, layerPath, whiteoutKind } from './unpack-paths';

describe('layerPath', () => {
  const ok: Array<[string, string[]]> = [
    ['etc/passwd', ['etc', 'passwd']],
    ['./etc/passwd', ['etc', 'passwd']],
    ['etc/', ['etc']],
    ['./', []],
    ['.', []],
    ['a//b/./c', ['a', 'b', 'c']],
    ['héllo/日本', ['héllo', '日本']],
    ['..foo/bar..', ['..foo', 'bar..']],
  ];
  it.each(ok)('%s → %j', (name, want) => expect(layerPath(name, 4096)).toEqual(want));

  const unsafe = ['../x', 'a/../../x', 'a/../b', '/etc/passwd', '/', '..', 'a/..', 'a\0b'];
  it.each(unsafe)('%s is refused', (name) => expect(() => layerPath(name, 4096)).toThrow(UnsafeLayerError));

  it('names the escaping entry', () => expect(() => layerPath('../x', 4096)).toThrow('entry ../x escapes the layer root'));
  it('limits the name length', () => expect(() => layerPath('a'.repeat(11), 10)).toThrow(LayerLimitError));
});

describe('whiteoutKind', () => {
  const cases: Array<[string[], ReturnType<typeof whiteoutKind>]> = [
    [['etc', 'passwd'], { kind: 'none' }],
    [[], { kind: 'none' }],
    [['etc', '.wh.passwd'], { kind: 'whiteout', path: ['etc', 'passwd'] }],
    [['.wh.etc'], { kind: 'whiteout', path: ['etc'] }],
    [['a', '.wh..wh..opq'], { kind: 'opaque', dir: ['a'] }],
    [['.wh..wh..opq'], { kind: 'opaque', dir: [] }],
    [['.wh..wh.plnk'], { kind: 'aufs-meta' }],
    [['a', '.wh..wh.aufs'], { kind: 'aufs-meta' }],
    [['a', 'x.wh.y'], { kind: 'none' }],
  ];
  it.each(cases)('%j → %j', (p, want) => expect(whiteoutKind(p)).toEqual(want));
  it('refuses a whiteout naming nothing', () => expect(() => whiteoutKind(['a', '.wh.'])).toThrow(UnsafeLayerError));
});

describe('isReservedXattr', () => {
  it.each([
    ['trusted.overlay.opaque', true],
    ['trusted.overlay.redirect', true],
    ['security.capability', false],
    ['user.foo', false],
  ])('%s → %s', (name, want) => expect(isReservedXattr(name)).toBe(want));
});
