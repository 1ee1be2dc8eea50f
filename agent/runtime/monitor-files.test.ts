import { parseExitFile, parseProcStat, parseSyncMessage } from './monitor-files';

describe('parseSyncMessage', () => {
  test.each([
    ['pid', '{"data": 4242}\n', { ok: true, pid: 4242 }],
    ['failure with message', '{"data": -1, "message": "runc create failed: no such file\\n"}', { ok: false, message: 'runc create failed: no such file' }],
    ['failure without message', '{"data": -1}', { ok: false, message: 'container creation failed (-1)' }],
    ['nothing', '', { ok: false, message: 'conmon exited without reporting a pid' }],
    ['garbage', 'oops', { ok: false, message: 'unexpected sync message: oops' }],
  ])('%s', (_name, line, want) => expect(parseSyncMessage(line)).toEqual(want));
});

describe('parseProcStat', () => {
  const fields = (comm: string, state: string) => `123 (${comm}) ${state} 1 123 123 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 987654 1000 50`;
  test.each([
    ['plain comm', fields('sleep', 'S'), { state: 'S', startTime: 987654 }],
    ['comm with spaces and parens', fields('a b) (c', 'R'), { state: 'R', startTime: 987654 }],
    ['zombie', fields('conmon', 'Z'), { state: 'Z', startTime: 987654 }],
    ['truncated', '123 (x', undefined],
  ])('%s', (_name, text, want) => expect(parseProcStat(text)).toEqual(want));
});

describe('parseExitFile', () => {
  test.each([
    ['0', 0],
    ['137', 137],
    ['1\n', 1],
    ['', undefined],
    ['x', undefined],
  ])('%j → %s', (text, want) => expect(parseExitFile(text)).toBe(want));
});
