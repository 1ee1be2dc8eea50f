import { PodTemplateSpec } from '../../lib/api/types';
import { parseImageArgs, withImages } from './set-image-args';

const t = PodTemplateSpec.fromPartial({ metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'app:1.0' }, { name: 'log', image: 'busybox:1.36' }] } });
const images = (x: PodTemplateSpec | undefined) => x?.spec?.containers.map((c) => `${c.name}=${c.image}`);

describe('parseImageArgs', () => {
  test('pairs in order, "*" and registry ports allowed', () => {
    expect([...parseImageArgs(['web=localhost:5000/app:2.0', '*=busybox@sha256:' + 'a'.repeat(64)])]).toEqual([
      ['web', 'localhost:5000/app:2.0'],
      ['*', 'busybox@sha256:' + 'a'.repeat(64)],
    ]);
  });
  test.each([
    [[], 'at least one CONTAINER=IMAGE is required'],
    [['web'], '"web": expected CONTAINER=IMAGE'],
    [['=app:1'], '"=app:1": expected CONTAINER=IMAGE'],
    [['web='], '"web=": expected CONTAINER=IMAGE'],
    [['web=App:1'], 'invalid reference format "App:1"'],
    [['web=app:1', 'web=app:2'], 'container "web" is given twice'],
  ])('%j is refused', (args, msg) => expect(() => parseImageArgs(args)).toThrow(msg));
});

describe('withImages', () => {
  test('named container changes, others stay', () => {
    expect(images(withImages(t, parseImageArgs(['web=app:2.0'])))).toEqual(['web=app:2.0', 'log=busybox:1.36']);
  });
  test('"*" sets all, a named one wins over it', () => {
    expect(images(withImages(t, parseImageArgs(['*=x:1', 'log=y:2'])))).toEqual(['web=x:1', 'log=y:2']);
  });
  test('unchanged images: nothing to write', () => {
    expect(withImages(t, parseImageArgs(['web=app:1.0']))).toBeUndefined();
  });
  test('unknown container is an error naming the real ones', () => {
    expect(() => withImages(t, parseImageArgs(['api=app:2.0']))).toThrow('unable to find container named "api" (containers: web, log)');
  });
  test('labels are kept', () => {
    expect(withImages(t, parseImageArgs(['web=app:2.0']))?.metadata?.labels).toEqual({ app: 'web' });
  });
});
