import { escapeToken, kindSubject, nodePodsSubject, unescapeToken } from './subjects';

describe('subject tokens', () => {
  test.each([
    ['web', 'web'],
    ['node-1.example.com', 'node-1%2Eexample%2Ecom'],
    ['a*b>c', 'a%2Ab%3Ec'],
    ['50%', '50%25'],
    ['a b\tc', 'a%20b%09c'],
    ['%2E', '%252E'],
  ])('%j → %j and back', (raw, escaped) => {
    expect(escapeToken(raw)).toBe(escaped);
    expect(unescapeToken(escaped)).toBe(raw);
    expect(escaped).not.toMatch(/[.*>\s]/);
  });

  test('subjects', () => {
    expect(kindSubject('pods', 'default')).toBe('berth.v1.pods.default');
    expect(kindSubject('nodes', '')).toBe('berth.v1.nodes._');
    expect(nodePodsSubject('n1.lan')).toBe('berth.v1.node.n1%2Elan.pods');
  });
});
