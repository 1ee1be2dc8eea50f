import * as http from 'node:http';
import { Counter, Registry, collectDefaultMetrics } from 'prom-client';

export interface ApiserverMetrics {
  registry: Registry;
  noticesDropped: Counter;
  watchersCutOff: Counter;
}

export function createMetrics(): ApiserverMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const noticesDropped = new Counter({
    name: 'berth_apiserver_nats_notices_dropped_total',
    help: 'Change notices not published because NATS was unreachable',
    registers: [registry],
  });
  const watchersCutOff = new Counter({
    name: 'berth_apiserver_watchers_cut_off_total',
    help: 'Watch streams ended because the watcher stopped reading (it resumes from its last resourceVersion)',
    registers: [registry],
  });
  return { registry, noticesDropped, watchersCutOff };
}

/** Serves GET /metrics on host:port; resolves with the bound address. */
export function serveMetrics(registry: Registry, host: string, port: number): Promise<{ address: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body),
      (err: unknown) => res.writeHead(500).end(String(err)),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const a = server.address() as { port: number };
      resolve({ address: `${host}:${a.port}`, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}
