import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { BerthError, errorMessage } from '../errors';
import { createLogger, type Logger } from '../log';
import { basicAuthorization, parseChallenge, pullScope, type Challenge } from './auth';
import { DEFAULT_BACKOFF, backoffDelay, parseRetryAfter, type BackoffPolicy } from './backoff';
import { parseDigest } from './digest';
import {
  AuthError,
  BlobUnknownError,
  DigestMismatchError,
  ManifestUnknownError,
  NoMatchingPlatformError,
  RateLimitedError,
  RegistryUnavailableError,
  UnsupportedManifestError,
} from './errors';
import { httpGet, readBody, type HttpResponse } from './http-get';
import { parseImageConfig, parseManifest, type Descriptor, type ImageConfig, type ImageManifest, type ParsedManifest } from './manifest';
import { MANIFEST_ACCEPT } from './media-types';
import { formatPlatform, hostPlatform, selectPlatformManifest, type Platform } from './platform';
import { manifestSelector, withDigest, type Reference } from './reference';
import { EMPTY_REGISTRY_CONFIG, credentialsFor, endpointsFor, type Endpoint, type RegistryConfig } from './registry-config';

const MAX_MANIFEST_BYTES = 4 << 20;
const MAX_CONFIG_BYTES = 8 << 20;

export interface RegistryClientOptions {
  config?: RegistryConfig;
  logger?: Logger;
  backoff?: BackoffPolicy;
  /** A request or body with no bytes for this long fails (and is retried). Default 30 s. */
  idleTimeoutMs?: number;
  /** Total time for one manifest/config operation, retries included. Default 2 min. */
  deadlineMs?: number;
  /** Seam for tests: how retries wait. */
  sleep?: (ms: number) => Promise<void>;
}

/** What a reference resolves to on one platform. */
export interface ResolvedImage {
  /** The reference pinned to `digest` (tag kept). */
  ref: Reference;
  /** The digest the tag points to: an index's digest for multi-platform images. Pin this. */
  digest: string;
  /** The platform-specific image manifest's digest. */
  manifestDigest: string;
  mediaType: string;
  manifest: ImageManifest;
  configDigest: string;
  config: ImageConfig;
  /** The raw config bytes (stored as a blob so the content store holds the whole image). */
  configBytes: Buffer;
  /** The raw manifest bytes. */
  manifestBytes: Buffer;
}

export interface FetchedManifest {
  digest: string;
  mediaType: string;
  bytes: Buffer;
  parsed: ParsedManifest;
}

/** A blob's body from `offset` on. */
export interface BlobBody {
  body: Readable;
  /** Where the body starts: the requested offset (206), or 0 when the server ignored Range. */
  offset: number;
}

interface CachedToken {
  value: string;
  expiresAt: number;
}

class HttpStatusError extends BerthError {
  constructor(
    message: string,
    readonly status: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/**
 * A client of the OCI distribution API (v2). Usable with no local store: controllers call
 * `resolve` to turn tags into digests; the node's puller also opens blobs as streams.
 * Requests go to the registry's mirrors first, then to the registry itself; each endpoint's
 * failures are retried with capped exponential backoff on 5xx, 429 and connection errors.
 */
export class RegistryClient {
  private readonly config: RegistryConfig;
  private readonly log: Logger;
  private readonly backoff: BackoffPolicy;
  private readonly idleTimeoutMs: number;
  private readonly deadlineMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly tokens = new Map<string, CachedToken>();

  constructor(opts: RegistryClientOptions = {}) {
    this.config = opts.config ?? EMPTY_REGISTRY_CONFIG;
    this.log = (opts.logger ?? createLogger()).child({ component: 'registry-client' });
    this.backoff = opts.backoff ?? DEFAULT_BACKOFF;
    this.idleTimeoutMs = opts.idleTimeoutMs ?? 30_000;
    this.deadlineMs = opts.deadlineMs ?? 120_000;
    this.sleep = opts.sleep ?? ((ms) => sleep(ms));
  }

  /** Tag or digest → image manifest and config for `platform` (an index picks the matching entry). */
  async resolve(ref: Reference, platform: Platform = hostPlatform(), signal?: AbortSignal): Promise<ResolvedImage> {
    const sig = this.deadline(signal);
    const top = await this.getManifest(ref, manifestSelector(ref), sig);
    let chosen = top;
    if (top.parsed.kind === 'index') {
      const entry = selectPlatformManifest(top.parsed.index.manifests, platform);
      if (!entry) {
        const have = top.parsed.index.manifests.map((m) => (m.platform ? formatPlatform(m.platform) : '?')).join(', ');
        throw new NoMatchingPlatformError(`${ref.full()}: no image for platform ${formatPlatform(platform)} (index has: ${have || 'none'})`);
      }
      chosen = await this.getManifest(ref, entry.digest, sig);
      if (chosen.parsed.kind !== 'manifest') throw new UnsupportedManifestError(`${ref.full()}: nested image indexes are unsupported`);
    }
    if (chosen.parsed.kind !== 'manifest') throw new UnsupportedManifestError(`${ref.full()}: not an image manifest`);
    const manifest = chosen.parsed.manifest;
    const configBytes = await this.fetchBlob(ref, manifest.config, MAX_CONFIG_BYTES, sig);
    const config = parseImageConfig(configBytes, manifest.layers.length);
    return {
      ref: withDigest(ref, top.digest),
      digest: top.digest,
      manifestDigest: chosen.digest,
      mediaType: chosen.mediaType,
      manifest,
      configDigest: manifest.config.digest,
      config,
      configBytes,
      manifestBytes: chosen.bytes,
    };
  }

  /** GET a manifest by tag or digest; by digest, the bytes must hash to it. */
  async getManifest(ref: Reference, selector: string, signal?: AbortSignal): Promise<FetchedManifest> {
    const byDigest = selector.includes(':');
    const { bytes, headers } = await this.request(ref, `manifests/${selector}`, { Accept: MANIFEST_ACCEPT }, signal ?? this.deadline(), 'manifest', async (res) => ({
      bytes: await readBody(res.body, MAX_MANIFEST_BYTES),
      headers: res.headers,
    }));
    const algorithm = byDigest ? parseDigest(selector).algorithm : 'sha256';
    const digest = `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
    if (byDigest && digest !== selector) throw new DigestMismatchError(selector, digest, `manifest of ${ref.name}`);
    const claimed = headers['docker-content-digest'];
    if (!byDigest && typeof claimed === 'string' && claimed.startsWith('sha256:') && claimed !== digest) {
      throw new DigestMismatchError(claimed, digest, `manifest of ${ref.name}:${selector} (Docker-Content-Digest)`);
    }
    const contentType = headers['content-type']?.split(';')[0].trim();
    const parsed = parseManifest(bytes, contentType);
    const mediaType = parsed.kind === 'index' ? parsed.index.mediaType : parsed.manifest.mediaType;
    return { digest, mediaType, bytes, parsed };
  }

  /** A small blob (a config) read whole, with its size and digest verified. */
  async fetchBlob(ref: Reference, desc: Pick<Descriptor, 'digest' | 'size'>, limit: number, signal?: AbortSignal): Promise<Buffer> {
    if (desc.size > limit) throw new UnsupportedManifestError(`blob ${desc.digest} is ${desc.size} bytes, more than the ${limit} allowed`);
    const bytes = await this.request(ref, `blobs/${desc.digest}`, {}, signal ?? this.deadline(), 'blob', (res) => readBody(res.body, limit));
    const { algorithm } = parseDigest(desc.digest);
    const got = `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
    if (got !== desc.digest || bytes.length !== desc.size) throw new DigestMismatchError(desc.digest, `${got} (${bytes.length} bytes)`, `blob of ${ref.name}`);
    return bytes;
  }

  /**
   * Opens a blob as a stream from `offset` (HTTP Range), following redirects. The caller
   * verifies the digest while it streams (the content store does).
   */
  async openBlob(ref: Reference, digest: string, opts: { offset?: number; signal?: AbortSignal } = {}): Promise<BlobBody> {
    const offset = opts.offset ?? 0;
    const headers: Record<string, string> = offset > 0 ? { Range: `bytes=${offset}-` } : {};
    return this.request(ref, `blobs/${digest}`, headers, opts.signal, 'blob', async (res) => ({
      body: res.body,
      offset: res.status === 206 ? offset : 0,
    }));
  }

  private deadline(signal?: AbortSignal): AbortSignal {
    const t = AbortSignal.timeout(this.deadlineMs);
    return signal ? AbortSignal.any([signal, t]) : t;
  }

  /**
   * One logical request: each endpoint in turn (mirrors first), each with retries. `use`
   * consumes a successful response; errors inside it (e.g. a body cut short) are retried too.
   */
  private async request<T>(
    ref: Reference,
    path: string,
    headers: Record<string, string>,
    signal: AbortSignal | undefined,
    what: 'manifest' | 'blob',
    use: (res: HttpResponse) => Promise<T>,
  ): Promise<T> {
    const endpoints = endpointsFor(this.config, ref.domain);
    let lastErr: unknown;
    for (const ep of endpoints) {
      const retries = ep.mirror ? 0 : this.backoff.retries;
      for (let attempt = 0; ; attempt++) {
        try {
          const res = await this.authorizedGet(ep, ref.path, `/v2/${ref.path}/${path}`, headers, signal);
          if (res.status !== 200 && res.status !== 206) throw await this.statusError(res, ref, path, what);
          return await use(res);
        } catch (err) {
          lastErr = err;
          if (signal?.aborted) throw new RegistryUnavailableError(`${ref.domain}: ${what} request aborted: ${errorMessage(signal.reason ?? err)}`, { cause: err });
          const retryable = isRetryable(err);
          if (!retryable || attempt >= retries) break;
          const delay = backoffDelay(this.backoff, attempt, Math.random, err instanceof HttpStatusError ? err.retryAfterMs : undefined);
          this.log.warn({ endpoint: ep.baseUrl, path, attempt, delay, err: errorMessage(err) }, 'registry request failed, retrying');
          await this.sleep(delay);
        }
      }
      if (ep.mirror) this.log.info({ mirror: ep.baseUrl, path, err: errorMessage(lastErr) }, 'mirror failed, trying next endpoint');
    }
    throw finalError(lastErr, ref);
  }

  private async authorizedGet(ep: Endpoint, repository: string, path: string, headers: Record<string, string>, signal?: AbortSignal): Promise<HttpResponse> {
    const scope = pullScope(repository);
    const cacheKey = `${ep.host}|${scope}`;
    const cached = this.tokens.get(cacheKey);
    const url = ep.baseUrl + path;
    const get = (authorization?: string): Promise<HttpResponse> =>
      httpGet(url, { headers: { ...headers, ...(authorization ? { Authorization: authorization } : {}) }, idleTimeoutMs: this.idleTimeoutMs, signal });
    let res = await get(cached && cached.expiresAt > Date.now() ? cached.value : undefined);
    if (res.status !== 401) return res;
    res.body.resume();
    const challenge = parseChallenge(String(res.headers['www-authenticate'] ?? ''));
    const creds = credentialsFor(this.config, ep.host);
    let authorization: string;
    if (challenge?.scheme === 'bearer') {
      authorization = `Bearer ${await this.fetchToken(challenge, scope, cacheKey, creds, signal)}`;
    } else if (challenge?.scheme === 'basic' && creds) {
      authorization = basicAuthorization(creds.username, creds.password);
      this.tokens.set(cacheKey, { value: authorization, expiresAt: Number.MAX_SAFE_INTEGER });
    } else {
      throw new AuthError(`${ep.host}: authentication required${creds ? '' : ' and no credentials are configured'} (${challenge?.scheme ?? 'no challenge'})`);
    }
    res = await get(authorization);
    if (res.status === 401 || res.status === 403) {
      res.body.resume();
      this.tokens.delete(cacheKey);
      throw new AuthError(`${ep.host}: auth failed for ${scope} (HTTP ${res.status} after authenticating)`);
    }
    return res;
  }

  /** Docker token auth: GET realm?service&scope (with basic credentials if we have them). */
  private async fetchToken(challenge: Challenge, scope: string, cacheKey: string, creds: { username: string; password: string } | undefined, signal?: AbortSignal): Promise<string> {
    const { realm, service } = challenge.params;
    if (!realm) throw new AuthError('bearer challenge without a realm');
    const url = new URL(realm);
    if (service) url.searchParams.set('service', service);
    url.searchParams.set('scope', challenge.params.scope ?? scope);
    const res = await httpGet(url.toString(), {
      headers: creds ? { Authorization: basicAuthorization(creds.username, creds.password) } : {},
      idleTimeoutMs: this.idleTimeoutMs,
      signal,
    });
    if (res.status === 401 || res.status === 403) {
      res.body.resume();
      throw new AuthError(`token server ${url.host}: auth failed (HTTP ${res.status})`);
    }
    if (res.status !== 200) {
      res.body.resume();
      throw new HttpStatusError(`token server ${url.host}: HTTP ${res.status}`, res.status);
    }
    const body = JSON.parse((await readBody(res.body, 1 << 20)).toString('utf8')) as { token?: string; access_token?: string; expires_in?: number };
    const token = body.token ?? body.access_token;
    if (!token) throw new AuthError(`token server ${url.host} returned no token`);
    // Refresh a little early; the spec's default lifetime is 60 s.
    this.tokens.set(cacheKey, { value: `Bearer ${token}`, expiresAt: Date.now() + Math.max(10, (body.expires_in ?? 60) - 5) * 1000 });
    return token;
  }

  private async statusError(res: HttpResponse, ref: Reference, path: string, what: 'manifest' | 'blob'): Promise<Error> {
    let detail = '';
    try {
      const doc = JSON.parse((await readBody(res.body, 16 << 10)).toString('utf8')) as { errors?: Array<{ code?: string; message?: string }> };
      const e = doc.errors?.[0];
      if (e) detail = `: ${e.code ?? ''} ${e.message ?? ''}`.trimEnd();
    } catch {
      res.body.destroy();
    }
    const where = `${ref.domain}/${ref.path} ${path}`;
    if (res.status === 404) {
      return what === 'manifest' ? new ManifestUnknownError(`${ref.familiar()}: tag not found (${where}${detail})`) : new BlobUnknownError(`${where}: blob not found${detail}`);
    }
    if (res.status === 401 || res.status === 403) return new AuthError(`${where}: auth failed (HTTP ${res.status}${detail})`);
    return new HttpStatusError(`${where}: HTTP ${res.status}${detail}`, res.status, parseRetryAfter(res.headers['retry-after'] as string | undefined));
  }
}

const RETRYABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE']);

function isRetryable(err: unknown): boolean {
  if (err instanceof HttpStatusError) return err.status >= 500 || err.status === 429 || err.status === 408;
  if (err instanceof AuthError || err instanceof ManifestUnknownError || err instanceof BlobUnknownError) return false;
  if (err instanceof DigestMismatchError || err instanceof UnsupportedManifestError) return false;
  const code = (err as { code?: string }).code;
  return (code !== undefined && RETRYABLE_CODES.has(code)) || (err as Error)?.name === 'NoProgressError';
}

/** Turns the last failure into the typed error callers branch on. */
function finalError(err: unknown, ref: Reference): Error {
  if (err instanceof HttpStatusError) {
    if (err.status === 429) return new RateLimitedError(`${ref.domain}: rate limited: ${err.message}`, err.retryAfterMs);
    return new RegistryUnavailableError(`${ref.domain}: registry down: ${err.message}`, { cause: err });
  }
  if (err instanceof BerthError && err.name !== 'NoProgressError' && err.name !== 'TooManyRedirectsError') return err;
  return new RegistryUnavailableError(`${ref.domain}: registry down: ${errorMessage(err)}`, { cause: err });
}
