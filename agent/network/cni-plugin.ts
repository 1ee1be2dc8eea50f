import * as path from 'node:path';
import { BerthError } from '../../lib/errors';
import { spawnPool } from '../spawn/spawn-pool';

const PLUGIN_TIMEOUT_MS = 60_000;

/** A CNI plugin failed; code and msg are the plugin's own error object (CNI spec "Error"). */
export class CniError extends BerthError {
  constructor(
    message: string,
    readonly code?: number,
  ) {
    super(message);
  }
}

export interface PluginCall {
  pluginDir: string;
  command: 'ADD' | 'DEL' | 'CHECK';
  containerId: string;
  netnsPath: string;
  ifName: string;
  netconf: Record<string, unknown>;
  /** Run the plugin inside this network namespace (the node's), via nsenter --net. */
  nodeNetnsPath?: string;
}

/**
 * Runs one CNI plugin: CNI_* variables in the environment, the netconf on stdin, the result
 * (or error) as JSON on stdout. `nsenter --net` rather than `ip netns exec`, which remounts
 * /sys and would hide the cgroup hierarchy from anything it starts.
 */
export async function invokePlugin(call: PluginCall): Promise<unknown> {
  const type = String(call.netconf.type);
  const binary = path.join(call.pluginDir, type);
  const [cmd, args] = call.nodeNetnsPath ? ['nsenter', [`--net=${call.nodeNetnsPath}`, binary]] : [binary, []];
  const env = {
    PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
    CNI_COMMAND: call.command,
    CNI_CONTAINERID: call.containerId,
    CNI_NETNS: call.netnsPath,
    CNI_IFNAME: call.ifName,
    CNI_PATH: call.pluginDir,
  };
  const r = await spawnPool.run({ cmd, args, env, input: JSON.stringify(call.netconf), timeoutMs: PLUGIN_TIMEOUT_MS });
  if (r.error && r.code === -1 && r.stdout === '') throw new CniError(`${type} ${call.command}: ${r.error}`);
  let parsed: { code?: number; msg?: string; details?: string } | undefined;
  try {
    parsed = r.stdout.trim() === '' ? undefined : (JSON.parse(r.stdout) as typeof parsed);
  } catch {
    parsed = undefined;
  }
  if (r.code === 0) return parsed ?? {};
  const detail = parsed?.msg ? `${parsed.msg}${parsed.details ? `: ${parsed.details}` : ''}` : (r.stderr || r.stdout || r.error || '').trim();
  throw new CniError(`${type} ${call.command} for ${call.containerId}: ${detail}`, parsed?.code);
}
