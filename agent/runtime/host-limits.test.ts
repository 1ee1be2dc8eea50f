import { parseMaxOpenFiles } from './host-limits';

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max open files            20000                20000                files
Max locked memory         8388608              8388608              bytes
`;

describe('parseMaxOpenFiles', () => {
  test.each([
    ['hard limit', LIMITS, 20000],
    ['unlimited', 'Max open files            1024                 unlimited            files\n', Number.MAX_SAFE_INTEGER],
    ['missing', 'Max cpu time unlimited unlimited seconds\n', undefined],
  ])('%s', (_n, text, want) => expect(parseMaxOpenFiles(text)).toBe(want));
});
