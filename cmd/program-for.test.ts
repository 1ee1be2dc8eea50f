import { programFor } from './program-for';

const names = async (...args: string[]): Promise<string[]> => (await programFor(['node', 'berth', ...args])).commands.map((c) => c.name());

describe('programFor', () => {
  const components = ['scheduler', 'controller-manager', 'apiserver', 'agent'];
  it.each(components)('a process started as `berth %s` gets its own command and no other component or the CLI', async (cmd) => {
    const got = await names(cmd, '--apiserver', 'x');
    expect(got).toContain(cmd);
    expect(got).not.toContain('get');
    for (const other of components.filter((c) => c !== cmd)) expect(got).not.toContain(other);
  });

  it.each([[[]], [['--help']], [['get', 'pods']]])('any other command line gets the whole tree (%j)', async (args) => {
    expect(await names(...args)).toEqual(expect.arrayContaining(['get', 'apiserver', 'scheduler', 'controller-manager', 'agent']));
  });
});
