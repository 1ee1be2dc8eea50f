import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { BerthError } from '../../lib/errors';

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
export function invokePlugin(call: PluginCall): Promise<unknown> {
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
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('error', (e) => reject(new CniError(`${type} ${call.command}: ${e.message}`)));
    child.once('close', (code) => {
      let parsed: { code?: number; msg?: string; details?: string } | undefined;
      try {
        parsed = out.trim() === '' ? undefined : (JSON.parse(out) as typeof parsed);
      } catch {
        parsed = undefined;
      }
      if (code === 0) return resolve(parsed ?? {});
      const detail = parsed?.msg ? `${parsed.msg}${parsed.details ? `: ${parsed.details}` : ''}` : (err || out).trim();
      reject(new CniError(`${type} ${call.command} for ${call.containerId}: ${detail}`, parsed?.code));
    });
    child.stdin.end(JSON.stringify(call.netconf));
  });
}
