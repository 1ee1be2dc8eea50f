/**
 * The host:port the apiserver dials for this agent (Node status.daemonEndpoints.agentEndpoint):
 * the --listen address itself, unless it listens on every address ("0.0.0.0", "::", ""), in
 * which case the node's reported IP.
 */
export function agentEndpoint(listen: string, nodeIp: string): string {
  const m = /^(?:\[([^\]]*)\]|([^:]*)):(\d+)$/.exec(listen);
  if (!m) throw new Error(`--listen ${JSON.stringify(listen)}: want host:port`);
  const host = m[1] ?? m[2] ?? '';
  const port = m[3];
  const chosen = host === '' || host === '0.0.0.0' || host === '::' ? nodeIp : host;
  return chosen.includes(':') ? `[${chosen}]:${port}` : `${chosen}:${port}`;
}
