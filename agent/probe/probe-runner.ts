import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import type { Container, Pod, Probe } from '../../lib/api';
import type { PodHost } from '../pod/pod-host';

/** Runs one probe once; resolves true on success. Never throws: an error is a failure. */
export interface ProbeRunner {
  run(pod: Pod, container: Container, probe: Probe, timeoutMs: number): Promise<boolean>;
}

/** A named container port ("http") or a number, as probes allow. */
export function resolvePort(container: Container, port: string): number | undefined {
  const n = Number(port);
  if (Number.isInteger(n) && n > 0) return n;
  return container.ports.find((p) => p.name === port)?.containerPort;
}

function withTimeout(p: Promise<boolean>, ms: number, onTimeout: () => void): Promise<boolean> {
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      onTimeout();
      resolve(false);
    }, ms);
    p.then(
      (ok) => resolve(ok),
      () => resolve(false),
    ).finally(() => clearTimeout(t));
  });
}

/** exec inside the container through the host; httpGet and tcpSocket to the pod IP. */
export class HostProbeRunner implements ProbeRunner {
  constructor(private readonly host: PodHost) {}

  run(pod: Pod, container: Container, probe: Probe, timeoutMs: number): Promise<boolean> {
    if (probe.exec) return this.exec(pod, container, probe.exec.command, timeoutMs);
    const ip = probe.httpGet?.host || probe.tcpSocket?.host || pod.status?.podIp || '';
    if (probe.httpGet) {
      const port = resolvePort(container, probe.httpGet.port);
      if (port === undefined || !ip) return Promise.resolve(false);
      return httpProbe(probe.httpGet.scheme === 'HTTPS', ip, port, probe.httpGet.path || '/', probe.httpGet.httpHeaders, timeoutMs);
    }
    if (probe.tcpSocket) {
      const port = resolvePort(container, probe.tcpSocket.port);
      if (port === undefined || !ip) return Promise.resolve(false);
      return tcpProbe(ip, port, timeoutMs);
    }
    return Promise.resolve(true);
  }

  private exec(pod: Pod, container: Container, command: string[], timeoutMs: number): Promise<boolean> {
    const h = this.host.exec(pod, container.name, command, { tty: false, stdin: false });
    h.stdout.resume();
    h.stderr.resume();
    return withTimeout(
      h.exitCode.then((code) => code === 0),
      timeoutMs,
      () => h.kill('SIGKILL'),
    );
  }
}

/** 2xx and 3xx succeed, as in Kubernetes. */
export function httpProbe(tls: boolean, host: string, port: number, path: string, headers: { name: string; value: string }[], timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const mod = tls ? https : http;
    const req = mod.get(
      { host, port, path, timeout: timeoutMs, headers: Object.fromEntries(headers.map((h) => [h.name, h.value])), rejectUnauthorized: false },
      (res) => {
        res.resume();
        const code = res.statusCode ?? 0;
        resolve(code >= 200 && code < 400);
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

export function tcpProbe(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port, timeout: timeoutMs });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('timeout', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(false));
  });
}
