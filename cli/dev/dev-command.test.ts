import { Command } from 'commander';
import { registerDevCommands } from './dev-command';

function parse(args: string[]): { path: string; opts: Record<string, unknown> } {
  const program = new Command('berth').exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  registerDevCommands(program);
  let ran = { path: '', opts: {} as Record<string, unknown> };
  const dev = program.commands.find((c) => c.name() === 'dev');
  for (const sub of dev?.commands ?? []) {
    sub.exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
    sub.action((opts: Record<string, unknown>) => void (ran = { path: `dev ${sub.name()}`, opts }));
  }
  program.parse(args, { from: 'user' });
  return ran;
}

describe('berth dev flags', () => {
  it('defaults: .berth, one node, crun, berth0, images pushed', () => {
    expect(parse(['dev', 'up'])).toEqual({
      path: 'dev up',
      opts: { dir: '.berth', nodes: 1, runtime: 'crun', bridge: 'berth0', nodePrefix: 'berth-node', portOffset: 0, bridgeCidr: '10.77.0.1/24', clusterCidr: '10.244.0.0/16', installDeps: false, images: true },
    });
  });
  it('takes every option of up', () => {
    const r = parse(['dev', 'up', '--dir', '/x', '--nodes', '3', '--runtime', 'runc', '--no-images', '--install-deps', '--port-offset', '100']);
    expect(r.opts).toMatchObject({ dir: '/x', nodes: 3, runtime: 'runc', images: false, installDeps: true, portOffset: 100 });
  });
  it.each([
    [['dev', 'down', '--purge'], 'dev down', { purge: true, dir: '.berth' }],
    [['dev', 'status', '--dir', 'd'], 'dev status', { dir: 'd' }],
    [['dev', 'push-examples'], 'dev push-examples', { dir: '.berth' }],
  ])('%j', (args, path, opts) => {
    const r = parse(args);
    expect(r.path).toBe(path);
    expect(r.opts).toMatchObject(opts);
  });
  it('rejects an unknown flag', () => {
    expect(() => parse(['dev', 'up', '--node', '2'])).toThrow(/unknown option/);
  });
});
