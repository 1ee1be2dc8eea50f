import { Container } from '../../lib/api/types';
import { containerEnvVars, DEFAULT_PATH, expandVars, mergeEnv, processArgs, type ImageConfig } from './container-process';

describe('expandVars', () => {
  const vars = new Map([
    ['A', 'x'],
    ['EMPTY', ''],
  ]);
  test.each([
    ['$(A)', 'x'],
    ['pre-$(A)-post', 'pre-x-post'],
    ['$(MISSING)', '$(MISSING)'],
    ['$$(A)', '$(A)'],
    ['$$$(A)', '$x'],
    ['$(EMPTY)!', '!'],
    ['$A', '$A'],
    ['$(A', '$(A'],
  ])('%s → %s', (input, want) => expect(expandVars(input, vars)).toBe(want));
});

describe('processArgs (Kubernetes command/args vs Entrypoint/Cmd)', () => {
  const image: ImageConfig = { Entrypoint: ['/ep'], Cmd: ['--cmd'] };
  const vars = new Map([['NAME', 'world']]);
  test.each([
    ['neither: Entrypoint + Cmd', [], [], image, ['/ep', '--cmd']],
    ['command only: ignores both image fields', ['/bin/sh'], [], image, ['/bin/sh']],
    ['command and args', ['/bin/sh'], ['-c', 'echo'], image, ['/bin/sh', '-c', 'echo']],
    ['args only: Entrypoint + args', [], ['--flag'], image, ['/ep', '--flag']],
    ['args only, no Entrypoint', [], ['/bin/true'], { Cmd: ['x'] }, ['/bin/true']],
    ['neither, Cmd only', [], [], { Cmd: ['sh'] }, ['sh']],
    ['null image fields', [], [], { Entrypoint: null, Cmd: null }, []],
    ['expansion in command and args', ['echo', 'hi-$(NAME)'], ['$(NOPE)', '$$(NAME)'], image, ['echo', 'hi-world', '$(NOPE)', '$(NAME)']],
  ])('%s', (_name, command, args, img, want) => expect(processArgs({ command, args }, img, vars)).toEqual(want));
});

describe('containerEnvVars', () => {
  test('expands against earlier entries only', () => {
    const c = Container.fromPartial({
      env: [
        { name: 'A', value: '1' },
        { name: 'B', value: '$(A)-$(C)' },
        { name: 'C', value: '3' },
      ],
    });
    expect([...containerEnvVars(c)]).toEqual([
      ['A', '1'],
      ['B', '1-$(C)'],
      ['C', '3'],
    ]);
  });
});

describe('mergeEnv', () => {
  test.each([
    ['PATH default when unset', [], [], {}, [`PATH=${DEFAULT_PATH}`]],
    ['image PATH kept', ['PATH=/bin'], [], {}, ['PATH=/bin']],
    ['container overrides image in place', ['A=1', 'B=2'], [['A', '9']], {}, ['A=9', 'B=2', `PATH=${DEFAULT_PATH}`]],
    ['defaults only when image lacks them', ['HOME=/img'], [], { HOME: '/root', HOSTNAME: 'p' }, ['HOME=/img', 'HOSTNAME=p', `PATH=${DEFAULT_PATH}`]],
    ['container beats defaults', [], [['HOSTNAME', 'mine']], { HOSTNAME: 'p' }, ['HOSTNAME=mine', `PATH=${DEFAULT_PATH}`]],
    ['value containing =', ['X=a=b'], [], {}, ['X=a=b', `PATH=${DEFAULT_PATH}`]],
  ] as [string, string[], [string, string][], Record<string, string>, string[]][])('%s', (_n, imageEnv, ctr, defaults, want) =>
    expect(mergeEnv(imageEnv, new Map(ctr), defaults)).toEqual(want),
  );
});
