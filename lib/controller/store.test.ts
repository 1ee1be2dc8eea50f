import { Store } from './store';

interface O {
  k: string;
  node: string;
}

describe('Store', () => {
  it('keeps indexes in step with set and delete', () => {
    const s = new Store<O>({ node: (o) => (o.node ? [o.node] : []) });
    s.set('a', { k: 'a', node: 'n1' });
    s.set('b', { k: 'b', node: 'n1' });
    s.set('c', { k: 'c', node: '' });
    expect(s.byIndex('node', 'n1').map((o) => o.k).sort()).toEqual(['a', 'b']);
    s.set('a', { k: 'a', node: 'n2' });
    expect(s.byIndex('node', 'n1').map((o) => o.k)).toEqual(['b']);
    expect(s.byIndex('node', 'n2').map((o) => o.k)).toEqual(['a']);
    s.delete('b');
    expect(s.byIndex('node', 'n1')).toEqual([]);
    expect(s.size).toBe(2);
    expect(() => s.byIndex('nope', 'x')).toThrow();
  });
});
