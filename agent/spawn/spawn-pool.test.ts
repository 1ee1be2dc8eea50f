import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SpawnPool } from './spawn-pool';

// Real child processes (sh, cat) started from the pool's worker threads.
const pool = new SpawnPool(2);

test('reports exit code, stdout and stderr', async () => {
  expect(await pool.run({ cmd: 'sh', args: ['-c', 'echo out; echo err >&2; exit 3'] })).toEqual({ code: 3, stdout: 'out\n', stderr: 'err\n' });
});

test('feeds input on stdin and passes env and cwd', async () => {
  const r = await pool.run({ cmd: 'sh', args: ['-c', 'cat; echo " $X $(pwd)"'], input: 'in', env: { X: 'x', PATH: process.env.PATH }, cwd: '/tmp' });
  expect(r).toEqual({ code: 0, stdout: 'in x /tmp\n', stderr: '' });
});

test('a missing binary and a timeout are results with an error, not exceptions', async () => {
  const missing = await pool.run({ cmd: '/nonexistent/tool', args: [] });
  expect(missing.code).toBe(-1);
  expect(missing.error).toMatch(/ENOENT/);
  const slow = await pool.run({ cmd: 'sleep', args: ['10'], timeoutMs: 100 });
  expect(slow.code).toBe(-1);
  expect(slow.error).toMatch(/timed out/);
});

test('runs many at once, each answered with its own result', async () => {
  const rs = await Promise.all(Array.from({ length: 12 }, (_, i) => pool.run({ cmd: 'sh', args: ['-c', `echo ${i}`] })));
  expect(rs.map((r) => r.stdout)).toEqual(Array.from({ length: 12 }, (_, i) => `${i}\n`));
});

test('monitor mode returns the first line from fd 3 without waiting for the exit; output goes to the log file', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spawn-pool-'));
  try {
    const log = path.join(dir, 'monitor.log');
    // The child outlives the test's timeout unless killed: the answer cannot have waited for it.
    const r = await pool.run({ cmd: 'sh', args: ['-c', 'echo "fd=$SYNC"; echo "{\\"data\\": $$}" >&3; exec sleep 60'], monitor: { logFile: log, syncEnv: 'SYNC' } });
    const pid = (JSON.parse(r.syncLine ?? '') as { data: number }).data;
    expect(() => process.kill(pid, 0)).not.toThrow();
    process.kill(pid, 'SIGKILL');
    expect(fs.readFileSync(log, 'utf8')).toBe('fd=3\n');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
