import * as http from 'node:http';
import * as https from 'node:https';
import { Transform, type Readable } from 'node:stream';
import { BerthError } from '../errors';

/** No bytes arrived for the idle timeout (a stalled connection, not a slow one). */
export class NoProgressError extends BerthError {}
export class TooManyRedirectsError extends BerthError {}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body, watched by the no-progress timer. Consume or destroy it. */
  body: Readable;
  /** The final URL after redirects. */
  url: string;
}

export interface HttpGetOptions {
  headers?: Record<string, string>;
  idleTimeoutMs: number;
  signal?: AbortSignal;
  maxRedirects?: number;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * GET with redirects followed (blob storage often answers 307 to a CDN/S3 URL). The
 * Authorization header goes only to the origin that was asked: it is dropped as soon as a
 * redirect leaves that host, so registry tokens never leak to the storage backend.
 */
export async function httpGet(url: string, opts: HttpGetOptions): Promise<HttpResponse> {
  const origin = new URL(url).host;
  let current = url;
  let headers = { ...(opts.headers ?? {}) };
  for (let hop = 0; hop <= (opts.maxRedirects ?? 5); hop++) {
    const res = await requestOnce(current, headers, opts);
    const location = res.headers.location;
    if (!REDIRECTS.has(res.statusCode ?? 0) || !location) {
      return { status: res.statusCode ?? 0, headers: res.headers, body: watchProgress(res, opts.idleTimeoutMs), url: current };
    }
    res.resume();
    current = new URL(location, current).toString();
    if (new URL(current).host !== origin) {
      headers = Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'authorization'));
    }
  }
  throw new TooManyRedirectsError(`too many redirects fetching ${url}`);
}

function requestOnce(url: string, headers: Record<string, string>, opts: HttpGetOptions): Promise<http.IncomingMessage> {
  const u = new URL(url);
  const mod = u.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(u, { method: 'GET', headers, signal: opts.signal }, resolve);
    req.setTimeout(opts.idleTimeoutMs, () => req.destroy(new NoProgressError(`no response from ${u.host} within ${opts.idleTimeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

// A stalled body is detected by the time since the last chunk, separate from any total deadline.
function watchProgress(res: http.IncomingMessage, idleMs: number): Readable {
  const timer = setTimeout(() => {
    const err = new NoProgressError(`no data from ${res.socket?.remoteAddress ?? 'registry'} for ${idleMs} ms`);
    res.destroy(err);
    out.destroy(err);
  }, idleMs);
  const out = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      timer.refresh();
      cb(null, chunk);
    },
    flush(cb) {
      clearTimeout(timer);
      cb();
    },
  });
  const stop = (): void => clearTimeout(timer);
  res.on('error', (err) => {
    stop();
    out.destroy(err);
  });
  out.on('close', () => {
    stop();
    if (!res.complete) res.destroy();
  });
  res.pipe(out);
  return out;
}

/** Reads a whole (small) body, refusing more than `limit` bytes. */
export async function readBody(body: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > limit) {
      body.destroy();
      throw new BerthError(`response body larger than ${limit} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
