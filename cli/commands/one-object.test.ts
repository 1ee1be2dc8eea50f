import { nodeArg } from './cordon';
import { tailLines } from './logs';
import { oneObject } from './one-object';
import { replicaCount } from './scale';

describe('argument parsing of the workload commands', () => {
  test.each([
    [['deploy/web'], { kind: 'deployments', name: 'web' }],
    [['deployment', 'web'], { kind: 'deployments', name: 'web' }],
    [['rs/web-1'], { kind: 'replicasets', name: 'web-1' }],
  ])('oneObject %j', (args, want) => expect(oneObject(args, ['deployments', 'replicasets'], 'scale')).toEqual(want));

  test.each([
    [['deploy/a', 'deploy/b'], 'scale takes exactly one object, e.g. deployment.apps/NAME (got 2)'],
    [['deploy'], 'scale takes exactly one object'],
    [['pod/p'], 'scale does not support pod: use deployment.apps, replicaset.apps'],
  ])('oneObject %j is refused', (args, msg) => expect(() => oneObject(args, ['deployments', 'replicasets'], 'scale')).toThrow(msg));

  test.each([
    [['n1'], 'n1'],
    [['node/n1'], 'n1'],
    [['nodes', 'n1'], 'n1'],
  ])('nodeArg %j', (args, want) => expect(nodeArg(args, 'cordon')).toBe(want));

  test.each([
    [undefined, -1],
    ['0', 0],
    ['20', 20],
  ])('tailLines(%j)', (t, n) => expect(tailLines(t)).toBe(n));
  test.each(['x', '1.5', '-2'])('tailLines(%j) is refused', (t) => expect(() => tailLines(t)).toThrow('--tail must be an integer >= -1'));

  test('replicaCount', () => {
    expect(replicaCount('0')).toBe(0);
    expect(replicaCount('12')).toBe(12);
    for (const bad of ['', '-1', '2.5', 'five']) expect(() => replicaCount(bad)).toThrow('--replicas must be an integer >= 0');
  });
});
