// The apiserver benchmark's load generator: h2load (Debian's nghttp2-client), posting one
// pre-framed gRPC Create request over and over. A Node gRPC client cost the load process 0.6–0.8
// ms of CPU per create on this machine, twice the apiserver's own cost, so on 2 shared cores the
// benchmark mostly measured its client; h2load is C and costs a few microseconds. Every pod
// has a generateName, so each request creates a new pod; h2load counts HTTP status only, so the
// caller counts what was stored.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import { promisify } from 'node:util';
import type { Pod } from '../../lib/api/types';
import { wrap } from '../../lib/api/kinds';
import { API_SERVICE } from '../../lib/api/proto-writer';

const exec = promisify(execFile);

export interface H2loadResult {
  /** Requests h2load saw answered with HTTP 200 (gRPC errors included: count the stored pods). */
  succeeded: number;
  failed: number;
  /** Request time (send → reply) as h2load reports it, ms. */
  meanMs: number;
  sdMs: number;
  maxMs: number;
  /** user + system CPU of h2load, seconds. */
  cpuSeconds: number;
}

/** Writes the gRPC-framed CreateRequest for `pod` to `file`. */
export function writeCreateBody(file: string, pod: Pod): void {
  const message = API_SERVICE.create.requestSerialize({ object: wrap('pods', pod), dryRun: false });
  const framed = Buffer.alloc(5 + message.length);
  framed.writeUInt32BE(message.length, 1);
  message.copy(framed, 5);
  fs.writeFileSync(file, framed);
}

const ms = (value: string, unit: string): number => Number(value) * ({ us: 0.001, ms: 1, s: 1000 } as Record<string, number>)[unit];

/** h2load's summary → numbers; throws with the output when it is not the expected shape. */
export function parseH2load(out: string): Omit<H2loadResult, 'cpuSeconds'> {
  const req = /requests: \d+ total, \d+ started, \d+ done, (\d+) succeeded, (\d+) failed/.exec(out);
  const time = /time for request:\s+([\d.]+)(us|ms|s)\s+([\d.]+)(us|ms|s)\s+([\d.]+)(us|ms|s)\s+([\d.]+)(us|ms|s)/.exec(out);
  if (!req || !time) throw new Error(`unexpected h2load output:\n${out}`);
  return { succeeded: Number(req[1]), failed: Number(req[2]), maxMs: ms(time[3], time[4]), meanMs: ms(time[5], time[6]), sdMs: ms(time[7], time[8]) };
}

export interface H2loadJob {
  address: string;
  bodyFile: string;
  /** Concurrent requests in all. */
  concurrency: number;
  seconds: number;
  /** Requests per second in all (open loop); absent: closed loop. */
  rate?: number;
}

/** Runs h2load over at most 4 connections (as many clients share channels) and parses its summary. */
export async function runH2load(job: H2loadJob, statsFile: string): Promise<H2loadResult> {
  const connections = job.concurrency % 4 === 0 ? 4 : job.concurrency % 2 === 0 ? 2 : 1;
  const args = [
    ...['-c', String(connections), '-m', String(job.concurrency / connections), '-D', String(job.seconds)],
    ...(job.rate ? ['--rps', String(job.rate / connections)] : []),
    ...['-d', job.bodyFile, '-H', 'content-type: application/grpc', '-H', 'te: trailers'],
    `http://${job.address}${API_SERVICE.create.path}`,
  ];
  const { stdout } = await exec('/usr/bin/time', ['-o', statsFile, '-f', '%U %S', 'h2load', ...args], { maxBuffer: 16 << 20 });
  const [user, sys] = fs.readFileSync(statsFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  return { ...parseH2load(stdout), cpuSeconds: user + sys };
}
