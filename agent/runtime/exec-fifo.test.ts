import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RuntimeError } from './container-runtime';
import { fifoEnd, releaseInit } from './exec-fifo';

describe('releaseInit', () => {
  let dir: string;
  let fifo: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-fifo-'));
    fifo = path.join(dir, 'exec.fifo');
    execFileSync('mkfifo', [fifo]);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test.each([
    ['crun', 'write'],
    ['runc', 'read'],
  ] as const)('%s start opens the %s end', (runtime, end) => expect(fifoEnd(runtime)).toBe(end));

  test('no FIFO: false, so the caller runs the runtime start', async () => {
    fs.rmSync(fifo);
    await expect(releaseInit(fifo, 'write', { initAlive: () => true })).resolves.toBe(false);
    await expect(releaseInit(fifo, 'read', { initAlive: () => true })).resolves.toBe(false);
  });

  test('write end (crun): the waiting reader gets one byte and the FIFO is gone', async () => {
    // What crun's init holds: the read end, opened non-blocking at create.
    const reader = fs.openSync(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    try {
      await expect(releaseInit(fifo, 'write', { initAlive: () => true })).resolves.toBe(true);
      const buf = Buffer.alloc(4);
      expect(fs.readSync(reader, buf, 0, 4, null)).toBe(1);
      expect(fs.existsSync(fifo)).toBe(false);
    } finally {
      fs.closeSync(reader);
    }
  });

  test('write end without a reader: the init is gone', async () => {
    await expect(releaseInit(fifo, 'write', { initAlive: () => true })).rejects.toBeInstanceOf(RuntimeError);
  });

  test('read end (runc): the writer blocked in open is released, its byte read, the FIFO removed', async () => {
    // What runc's init does: a blocking open of the write end, then "0".
    const init = spawn('/bin/sh', ['-c', `printf 0 > ${fifo}; echo released`], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    init.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise((r) => init.once('close', r));
    await expect(releaseInit(fifo, 'read', { initAlive: () => init.exitCode === null })).resolves.toBe(true);
    await exited;
    expect(out.trim()).toBe('released');
    expect(fs.existsSync(fifo)).toBe(false);
  });

  test('read end whose init died: an error, not a hang', async () => {
    await expect(releaseInit(fifo, 'read', { initAlive: () => false })).rejects.toBeInstanceOf(RuntimeError);
  });
});
