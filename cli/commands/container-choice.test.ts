import { Pod } from '../../lib/api/types';
import { DEFAULT_CONTAINER_ANNOTATION, pickContainer } from './container-choice';

const pod = (names: string[], annotations: Record<string, string> = {}) => Pod.fromPartial({ metadata: { name: 'p', annotations }, spec: { containers: names.map((name) => ({ name, image: 'busybox' })) } });

describe('pickContainer', () => {
  test.each([
    ['one container, no -c', pod(['app']), undefined, 'app'],
    ['-c picks among many', pod(['app', 'log']), 'log', 'log'],
    ['annotated default among many', pod(['app', 'log'], { [DEFAULT_CONTAINER_ANNOTATION]: 'log' }), undefined, 'log'],
  ])('%s', (_n, p, c, want) => expect(pickContainer(p, c)).toBe(want));

  test.each([
    ['many, no -c: lists them', pod(['app', 'log']), undefined, 'a container name must be specified for pod p, choose one of: [app, log] (-c NAME)'],
    ['unknown -c: lists them', pod(['app']), 'side', 'container side is not valid for pod p: choose one of: [app]'],
    ['annotation naming a missing container is ignored', pod(['app', 'log'], { [DEFAULT_CONTAINER_ANNOTATION]: 'x' }), undefined, 'choose one of: [app, log]'],
  ])('%s', (_n, p, c, msg) => expect(() => pickContainer(p, c)).toThrow(msg));
});
