import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NotFoundError } from '../errors';
import { addContext, configPath, currentContext, InvalidConfigError, parseConfig, readConfig, removeContext, useContext, withContext, withoutContext } from './config';

const a = { name: 'a', server: '127.0.0.1:1', namespace: 'team' };
const b = { name: 'b', server: '127.0.0.1:2' };

describe('pure edits', () => {
  test.each([
    ['first context becomes current', { contexts: [] }, a, false, { currentContext: 'a', contexts: [a] }],
    ['second stays non-current', { currentContext: 'a', contexts: [a] }, b, false, { currentContext: 'a', contexts: [a, b] }],
    ['makeCurrent switches', { currentContext: 'a', contexts: [a] }, b, true, { currentContext: 'b', contexts: [a, b] }],
    ['same name replaces in place', { currentContext: 'a', contexts: [a, b] }, { name: 'a', server: 'x:9' }, false, { currentContext: 'a', contexts: [{ name: 'a', server: 'x:9' }, b] }],
  ])('withContext: %s', (_w, cfg, ctx, makeCurrent, expected) => {
    expect(withContext(cfg, ctx, makeCurrent)).toEqual(expected);
  });

  test('withoutContext removes only that one and clears current if it was current', () => {
    expect(withoutContext({ currentContext: 'a', contexts: [a, b] }, 'a')).toEqual({ currentContext: undefined, contexts: [b] });
    expect(withoutContext({ currentContext: 'a', contexts: [a, b] }, 'b')).toEqual({ currentContext: 'a', contexts: [a] });
  });

  test('parseConfig reads kubeconfig-like YAML and names bad files', () => {
    const cfg = parseConfig('current-context: a\ncontexts:\n- {name: a, server: "127.0.0.1:1", namespace: team}\n', 'cfg');
    expect(currentContext(cfg)).toEqual(a);
    expect(parseConfig('', 'cfg')).toEqual({ contexts: [] });
    expect(() => parseConfig('contexts: [{name: a}]', 'cfg')).toThrow(new InvalidConfigError('cfg: contexts[0] needs a name and a server'));
    expect(() => parseConfig('contexts: [', 'cfg')).toThrow(InvalidConfigError);
  });

  test('configPath prefers BERTH_CONFIG', () => {
    expect(configPath({ BERTH_CONFIG: '/x/config' })).toBe('/x/config');
    expect(configPath({})).toBe(path.join(os.homedir(), '.berth', 'config'));
  });
});

describe('file helpers', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-config-'));
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  test('add, use, remove round-trip through the file', async () => {
    const file = path.join(dir, 'sub', 'config');
    expect(await readConfig(file)).toEqual({ contexts: [] });
    await addContext(a, { file });
    await addContext(b, { file, makeCurrent: false });
    expect(currentContext(await readConfig(file))?.name).toBe('a');
    await useContext('b', { file });
    expect(currentContext(await readConfig(file))?.name).toBe('b');
    await expect(useContext('zzz', { file })).rejects.toThrow(NotFoundError);
    await removeContext('b', { file });
    const cfg = await readConfig(file);
    expect(cfg).toEqual({ contexts: [a] });
    expect(await fs.readFile(file, 'utf8')).toContain('server: 127.0.0.1:1');
  });
});
