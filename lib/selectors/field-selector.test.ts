import { BadRequestError } from '../errors';
import { parseFieldSelector } from './field-selector';
import { fieldValuesOf } from './object-fields';

describe('parseFieldSelector', () => {
  const pod = fieldValuesOf({ metadata: { name: 'web-1', namespace: 'default' }, spec: { nodeName: 'n1' }, status: { phase: 'Running' } } as never);
  const cases: [string, boolean][] = [
    ['', true],
    ['spec.nodeName=n1', true],
    ['spec.nodeName==n1', true],
    ['spec.nodeName=n2', false],
    ['spec.nodeName!=n2', true],
    ['status.phase!=Running', false],
    ['metadata.name=web-1,metadata.namespace=default', true],
    ['metadata.name=web-1,metadata.namespace=other', false],
    ['spec.nodeName=', false],
    ['spec.nodeName in (n0,n1,n2)', true],
    ['spec.nodeName in ( n0 , n2 )', false],
    ['spec.nodeName notin (n1)', false],
    ['spec.nodeName notin (n0, n2),metadata.name=web-1', true],
    ['metadata.name in (web-1),spec.nodeName in (n1)', true],
  ];
  test.each(cases)('%j → %s', (sel, want) => expect(parseFieldSelector(sel).matches(pod)).toBe(want));

  test('an unbound pod matches spec.nodeName= (empty)', () => {
    expect(parseFieldSelector('spec.nodeName=').matches(fieldValuesOf({ metadata: { name: 'x' }, spec: {} } as never))).toBe(true);
  });

  test('pinned values drive the node index', () => {
    expect(parseFieldSelector('status.phase!=x,spec.nodeName=n7').pinned('spec.nodeName')).toEqual(['n7']);
    expect(parseFieldSelector('spec.nodeName in (n7,n8),status.phase!=x').pinned('spec.nodeName')).toEqual(['n7', 'n8']);
    expect(parseFieldSelector('spec.nodeName!=n7').pinned('spec.nodeName')).toBeUndefined();
    expect(parseFieldSelector('spec.nodeName notin (n7)').pinned('spec.nodeName')).toBeUndefined();
  });

  test.each([
    ['spec.image=x', /field "spec.image" is not supported/],
    ['spec.nodeName', /is not field=value/],
    ['spec.nodeName=a,,status.phase=b', /empty requirement/],
    ['spec.nodeName in (a,,b)', /the set of "spec.nodeName" has an empty value/],
    ['spec.nodeName in (a,b', /is not field=value/],
    ['spec.image in (a)', /field "spec.image" is not supported/],
  ])('%j is refused', (sel, re) => {
    expect(() => parseFieldSelector(sel)).toThrow(BadRequestError);
    expect(() => parseFieldSelector(sel)).toThrow(re);
  });
});
