import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { followLog, parseLog, parseLogLine, readLog, rotateOnRestart, tailRecords, type LogRecord } from './container-log';

const T = '2024-05-01T10:00:00.123456789+00:00';

describe('parseLogLine', () => {
  test.each([
    ['full stdout line', `${T} stdout F hello world`, { time: T, stream: 'stdout', partial: false, content: 'hello world' }],
    ['partial stderr', `${T} stderr P abc`, { time: T, stream: 'stderr', partial: true, content: 'abc' }],
    ['empty content', `${T} stdout F `, { time: T, stream: 'stdout', partial: false, content: '' }],
    ['no content field', `${T} stdout F`, { time: T, stream: 'stdout', partial: false, content: '' }],
    ['content with leading spaces', `${T} stdout F   x`, { time: T, stream: 'stdout', partial: false, content: '  x' }],
    ['bad stream', `${T} stdin F x`, undefined],
    ['bad tag', `${T} stdout X x`, undefined],
    ['empty line', '', undefined],
  ])('%s', (_name, line, want) => expect(parseLogLine(line)).toEqual(want));
});

describe('parseLog', () => {
  test('joins partial chunks per stream, interleaved', () => {
    const text = [`${T} stdout P aaa`, `${T} stderr F err`, `${T} stdout P bbb`, `${T} stdout F ccc`, `${T} stdout F next`, ''].join('\n');
    expect(parseLog(text).map((r) => [r.stream, r.content])).toEqual([
      ['stderr', 'err'],
      ['stdout', 'aaabbbccc'],
      ['stdout', 'next'],
    ]);
  });
  test('a trailing partial counts as a line', () => {
    expect(parseLog(`${T} stdout P cut`).map((r) => r.content)).toEqual(['cut']);
  });
});

describe('tailRecords', () => {
  const recs: LogRecord[] = ['a', 'b', 'c'].map((content) => ({ time: T, stream: 'stdout', content }));
  test.each([
    [undefined, ['a', 'b', 'c']],
    [-1, ['a', 'b', 'c']],
    [0, []],
    [2, ['b', 'c']],
    [10, ['a', 'b', 'c']],
  ])('tail %s', (n, want) => expect(tailRecords(recs, n).map((r) => r.content)).toEqual(want));
});

describe('files', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-log-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('rotateOnRestart keeps the previous instance for --previous', () => {
    const log = path.join(dir, 'app.log');
    fs.writeFileSync(log, `${T} stdout F first\n`);
    rotateOnRestart(log);
    fs.writeFileSync(log, `${T} stdout F second\n`);
    expect(readLog(log).map((r) => r.content)).toEqual(['second']);
    expect(readLog(log, { previous: true }).map((r) => r.content)).toEqual(['first']);
    rotateOnRestart(path.join(dir, 'missing.log'));
    expect(readLog(path.join(dir, 'missing.log'))).toEqual([]);
  });

  test('followLog sees appends, split writes and truncation', async () => {
    const log = path.join(dir, 'app.log');
    fs.writeFileSync(log, `${T} stdout F old\n`);
    const seen: string[] = [];
    const f = followLog(log, (r) => seen.push(r.content), { intervalMs: 10 });
    const until = async (n: number): Promise<void> => {
      for (let i = 0; i < 200 && seen.length < n; i++) await new Promise((r) => setTimeout(r, 10));
    };
    fs.appendFileSync(log, `${T} stdout F one\n${T} stdout P tw`);
    await until(1);
    fs.appendFileSync(log, `o\n${T} stdout F three\n`);
    await until(2);
    fs.truncateSync(log, 0);
    await new Promise((r) => setTimeout(r, 50));
    fs.appendFileSync(log, `${T} stderr F after\n`);
    await until(3);
    f.stop();
    expect(seen).toEqual(['one', 'twothree', 'after']);
  });
});
