import { backoffDelay, parseRetryAfter } from './backoff';
import { credentialsFor, endpointsFor, parseRegistryConfig } from './registry-config';

const cfg = parseRegistryConfig(`
registries:
  "localhost:5000": { mirrors: ["http://10.88.0.1:5000/"] }
  "127.0.0.1:5000": { insecure: false }
  "reg.example.com": { insecure: true, username: bob, password: pw }
`);

test.each<[string, string[]]>([
  ['localhost:5000', ['http://10.88.0.1:5000', 'http://localhost:5000']],
  ['127.0.0.1:5000', ['https://127.0.0.1:5000']],
  ['127.0.0.2:80', ['http://127.0.0.2:80']],
  ['[::1]:5000', ['http://[::1]:5000']],
  ['reg.example.com', ['http://reg.example.com']],
  ['quay.io', ['https://quay.io']],
  ['docker.io', ['https://registry-1.docker.io']],
])('endpoints for %s', (domain, want) => {
  expect(endpointsFor(cfg, domain).map((e) => e.baseUrl)).toEqual(want);
});

test('credentials and validation', () => {
  expect(credentialsFor(cfg, 'reg.example.com')).toEqual({ username: 'bob', password: 'pw' });
  expect(credentialsFor(cfg, 'quay.io')).toBeUndefined();
  expect(() => parseRegistryConfig('registries: { a: { insecure: "yes" } }')).toThrow(/insecure/);
  expect(() => parseRegistryConfig('registries: { a: { mirrors: ["ftp://x"] } }')).toThrow(/mirrors/);
  expect(parseRegistryConfig('').registries).toEqual({});
});

test.each<[number, number, number]>([
  [0, 0, 100],
  [0, 0.999, 199],
  [3, 0, 800],
  [10, 0.999, 4997],
])('backoff attempt %d random %d → %d ms', (attempt, r, want) => {
  expect(backoffDelay({ retries: 4, baseMs: 200, maxMs: 5000 }, attempt, () => r)).toBe(want);
});

test('Retry-After', () => {
  expect(parseRetryAfter('3')).toBe(3000);
  expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
  expect(parseRetryAfter('soon')).toBeUndefined();
  expect(backoffDelay({ retries: 4, baseMs: 200, maxMs: 5000 }, 0, () => 0, 3000)).toBe(3000);
});
