import { BadRequestError } from '../errors';
import { digestProblem } from './digest';

/** An image reference does not follow Docker's grammar. */
export class InvalidReferenceError extends BadRequestError {
  constructor(
    readonly input: string,
    readonly reason: string,
  ) {
    super(`invalid reference format "${input}": ${reason}`);
  }
}

export const DEFAULT_DOMAIN = 'docker.io';
export const DEFAULT_TAG = 'latest';
const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';
const OFFICIAL_REPO_PREFIX = 'library/';
const MAX_NAME_LENGTH = 255;

/**
 * A normalized image reference, as Docker's `ParseNormalizedNamed` + `TagNameOnly` produce it:
 * `ubuntu` → domain docker.io, path library/ubuntu, tag latest. When both a tag and a digest
 * are given both are kept and the digest decides what is pulled.
 */
export interface Reference {
  /** Registry host with optional port: "docker.io", "localhost:5000", "[::1]:5000". */
  readonly domain: string;
  /** Repository path inside the registry: "library/ubuntu", "team/app". */
  readonly path: string;
  /** Defaults to "latest" only when neither tag nor digest was given. */
  readonly tag?: string;
  readonly digest?: string;
  /** domain/path: "docker.io/library/ubuntu". */
  readonly name: string;
  /** docker.io/library/ubuntu:14.04 (plus @digest when pinned). */
  full(): string;
  /** The short form Docker prints: ubuntu:14.04, team/app:v2, localhost:5000/x:v1. */
  familiar(): string;
}

// Docker's grammar (distribution/reference/regexp.go), anchored pieces.
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN_NAME = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*`;
const IPV6 = '\\[(?:[a-fA-F0-9:]+)\\]';
const DOMAIN_RE = new RegExp(`^(?:${DOMAIN_NAME}|${IPV6})(?::[0-9]+)?$`);
const PATH_COMPONENT_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG_RE = /^[\w][\w.-]{0,127}$/;
const HEX64_RE = /^[a-f0-9]{64}$/;

/** Parses and normalizes a reference; throws InvalidReferenceError with the reason. */
export function parseReference(input: string): Reference {
  const fail = (reason: string): never => {
    throw new InvalidReferenceError(input, reason);
  };
  if (input.length === 0) fail('reference is empty');
  if (input !== input.trim()) fail('reference must not contain spaces');
  if (HEX64_RE.test(input)) fail('cannot specify 64-byte hexadecimal strings as a repository name');

  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    const problem = digestProblem(digest);
    if (problem !== undefined) fail(problem);
  }

  // A ':' after the last '/' starts the tag; one before it belongs to a domain port.
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (tag.length === 0) fail('tag is empty');
    if (tag.length > 128) fail(`tag is longer than 128 characters (${tag.length})`);
    if (!TAG_RE.test(tag)) fail(`invalid tag "${tag}": allowed are letters, digits, "_", "." and "-", not starting with "." or "-"`);
  }
  if (rest.length === 0) fail('repository name is empty');

  const { domain, path } = splitDomain(rest);
  if (!DOMAIN_RE.test(domain)) fail(`invalid registry host "${domain}"`);
  if (path.length === 0) fail('repository name is empty');
  if (path.toLowerCase() !== path) fail(`repository name "${path}" must be lowercase`);
  for (const component of path.split('/')) {
    if (component.length === 0) fail('repository name has an empty path component (double or trailing "/")');
    if (!PATH_COMPONENT_RE.test(component)) {
      fail(`invalid repository name component "${component}": use lowercase letters, digits and single separators "." "_" "__" "-"`);
    }
  }
  const name = `${domain}/${path}`;
  if (name.length > MAX_NAME_LENGTH) fail(`repository name is longer than ${MAX_NAME_LENGTH} characters`);

  return makeReference(domain, path, tag ?? (digest === undefined ? DEFAULT_TAG : undefined), digest);
}

/** Docker's splitDockerDomain: the first component is a registry only if it looks like a host. */
function splitDomain(name: string): { domain: string; path: string } {
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  const looksLikeHost = slash >= 0 && (/[.:]/.test(first) || first === 'localhost' || first.toLowerCase() !== first);
  if (!looksLikeHost) {
    return { domain: DEFAULT_DOMAIN, path: name.includes('/') ? name : OFFICIAL_REPO_PREFIX + name };
  }
  let domain = first;
  let path = name.slice(slash + 1);
  if (domain === LEGACY_DEFAULT_DOMAIN) domain = DEFAULT_DOMAIN;
  if (domain === DEFAULT_DOMAIN && !path.includes('/')) path = OFFICIAL_REPO_PREFIX + path;
  return { domain, path };
}

/** Builds a Reference from parts already known to be valid (e.g. an image record). */
export function makeReference(domain: string, path: string, tag?: string, digest?: string): Reference {
  const name = `${domain}/${path}`;
  const suffix = (tag !== undefined ? `:${tag}` : '') + (digest !== undefined ? `@${digest}` : '');
  return {
    domain,
    path,
    tag,
    digest,
    name,
    full: () => name + suffix,
    familiar: () => familiarName(domain, path) + suffix,
  };
}

/** docker.io/library/ubuntu → ubuntu; docker.io/team/app → team/app; others unchanged. */
export function familiarName(domain: string, path: string): string {
  if (domain !== DEFAULT_DOMAIN) return `${domain}/${path}`;
  return path.startsWith(OFFICIAL_REPO_PREFIX) && path.indexOf('/', OFFICIAL_REPO_PREFIX.length) < 0 ? path.slice(OFFICIAL_REPO_PREFIX.length) : path;
}

/** The same repository pinned to a digest (tag kept, for display). */
export function withDigest(ref: Reference, digest: string): Reference {
  return makeReference(ref.domain, ref.path, ref.tag, digest);
}

/** What a registry is asked for: the digest when pinned, else the tag. */
export function manifestSelector(ref: Reference): string {
  return ref.digest ?? ref.tag ?? DEFAULT_TAG;
}
