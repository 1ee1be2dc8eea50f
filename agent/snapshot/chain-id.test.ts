import { createHash } from 'node:crypto';
import { chainIds } from './chain-id';

const d = (s: string): string => `sha256:${createHash('sha256').update(s).digest('hex')}`;

describe('chainIds', () => {
  it('is empty for no layers', () => expect(chainIds([])).toEqual([]));
  it('equals the diffID for the bottom layer', () => expect(chainIds([d('a')])).toEqual([d('a')]));
  it('chains each layer onto the one below', () => {
    const [a, b, c] = [d('a'), d('b'), d('c')];
    const ab = d(`${a} ${b}`);
    expect(chainIds([a, b, c])).toEqual([a, ab, d(`${ab} ${c}`)]);
  });
  it('depends on the whole stack below a layer', () => {
    const [a, b] = [d('a'), d('b')];
    expect(chainIds([a, b])[1]).not.toBe(chainIds([b, b])[1]);
    expect(chainIds([a, b, a]).slice(0, 2)).toEqual(chainIds([a, b]));
  });
});
