import { spawnPool } from '../spawn/spawn-pool';

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a helper binary to completion; a non-zero exit is a result, not an exception. */
export async function runTool(binary: string, args: string[], opts: { cwd?: string; timeoutMs?: number } = {}): Promise<ToolResult> {
  const r = await spawnPool.run({ cmd: binary, args, cwd: opts.cwd, timeoutMs: opts.timeoutMs ?? 30_000 });
  return { code: r.code, stdout: r.stdout, stderr: r.error ? `${r.stderr}${r.error}` : r.stderr };
}
