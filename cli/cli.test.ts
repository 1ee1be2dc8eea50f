import { InvalidError, NotFoundError } from '../lib/errors';
import { resolveTarget } from './connection';
import { formatCliError, UnreachableError } from './errors';
import { deleteOptions } from './commands/delete';
import { parseObjectArgs } from './commands/kind-args';

describe('resolveTarget', () => {
  const cfg = { currentContext: 'dev', contexts: [{ name: 'dev', server: 'ctx:1', namespace: 'team' }] };
  test.each([
    ['flag wins', { server: 'flag:1' }, { BERTH_SERVER: 'env:1' }, cfg, { server: 'flag:1', namespace: 'team' }],
    ['then the environment', {}, { BERTH_SERVER: 'env:1' }, cfg, { server: 'env:1', namespace: 'team' }],
    ['then the current context', {}, {}, cfg, { server: 'ctx:1', namespace: 'team' }],
    ['-n overrides the context namespace', { namespace: 'x' }, {}, cfg, { server: 'ctx:1', namespace: 'x' }],
    ['namespace defaults to default', {}, { BERTH_SERVER: 'env:1' }, { contexts: [] }, { server: 'env:1', namespace: 'default' }],
  ])('%s', (_w, flags, env, c, expected) => {
    expect(resolveTarget(flags, env, c)).toEqual(expected);
  });

  test('nothing configured: says how to start a cluster', () => {
    expect(() => resolveTarget({}, { BERTH_CONFIG: '/x/config' }, { contexts: [] })).toThrow("no berth apiserver configured (--server, BERTH_SERVER or a context in /x/config): is a cluster running? Start one with 'berth dev up'");
  });
});

describe('formatCliError', () => {
  test('unreachable: one line', () => {
    expect(formatCliError(new UnreachableError('127.0.0.1:9'))).toBe("error: cannot reach the berth apiserver at 127.0.0.1:9: is a cluster running? Start one with 'berth dev up'\n");
  });
  test('invalid: every field error', () => {
    expect(formatCliError(new InvalidError([{ field: 'spec.replicas', message: 'must be >= 0' }, { field: 'metadata.name', message: 'is required' }], 'Deployment "web"'))).toBe(
      'error: Deployment "web" is invalid:\n  spec.replicas: must be >= 0\n  metadata.name: is required\n',
    );
  });
  test('others: the message', () => {
    expect(formatCliError(new NotFoundError('deployments "x" not found'))).toBe('error: deployments "x" not found\n');
  });
});

describe('parseObjectArgs', () => {
  test.each([
    [['pods'], { kind: 'pods', refs: [] }],
    [['deploy', 'a', 'b'], { kind: 'deployments', refs: [{ kind: 'deployments', name: 'a' }, { kind: 'deployments', name: 'b' }] }],
    [['po/a', 'pod/b'], { kind: 'pods', refs: [{ kind: 'pods', name: 'a' }, { kind: 'pods', name: 'b' }] }],
    [['rs/a', 'no/n1'], { kind: undefined, refs: [{ kind: 'replicasets', name: 'a' }, { kind: 'nodes', name: 'n1' }] }],
    [['Deployment', 'web'], { kind: 'deployments', refs: [{ kind: 'deployments', name: 'web' }] }],
  ])('%j', (args, expected) => expect(parseObjectArgs(args)).toEqual(expected));

  test.each([
    [['services'], 'the server doesn\'t have a resource type "services"'],
    [['po/a', 'b'], '"b": expected KIND/NAME'],
    [[], 'you must specify the type of resource'],
  ])('%j is refused', (args, msg) => expect(() => parseObjectArgs(args)).toThrow(msg));
});

describe('deleteOptions', () => {
  test.each([
    [{ cascade: 'background' }, { gracePeriodSeconds: undefined, propagationPolicy: 'Background', force: false }],
    [{ cascade: 'orphan', gracePeriod: '10' }, { gracePeriodSeconds: 10, propagationPolicy: 'Orphan', force: false }],
    [{ cascade: 'foreground', gracePeriod: '0' }, { gracePeriodSeconds: 1, propagationPolicy: 'Foreground', force: false }],
    [{ cascade: 'background', force: true }, { gracePeriodSeconds: 0, propagationPolicy: 'Background', force: true }],
    [{ cascade: 'false' }, { gracePeriodSeconds: undefined, propagationPolicy: 'Orphan', force: false }],
  ])('%j', (flags, expected) => expect(deleteOptions(flags)).toEqual(expected));

  test('bad values', () => {
    expect(() => deleteOptions({ cascade: 'sideways' })).toThrow('--cascade must be background, foreground or orphan');
    expect(() => deleteOptions({ cascade: 'background', gracePeriod: 'soon' })).toThrow('--grace-period must be an integer');
  });
});
