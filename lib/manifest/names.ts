// Kubernetes' name grammars (apimachinery/pkg/util/validation). Each returns why a value is
// invalid, or undefined when it is valid.

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const IANA_SVC_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** RFC 1123 label: container, volume and namespace names. */
export function dnsLabelProblem(value: string): string | undefined {
  if (value.length > 63) return `must be no more than 63 characters`;
  if (!DNS_LABEL.test(value)) return `a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name' or '123-abc'), got "${value}"`;
  return undefined;
}

/** RFC 1123 subdomain: object names. */
export function dnsSubdomainProblem(value: string): string | undefined {
  if (value.length > 253) return `must be no more than 253 characters`;
  if (!DNS_SUBDOMAIN.test(value)) return `a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com'), got "${value}"`;
  return undefined;
}

/** IANA service name: container port names. */
export function portNameProblem(value: string): string | undefined {
  if (value.length > 15) return `must be no more than 15 characters, got "${value}"`;
  if (!IANA_SVC_NAME.test(value)) return `must contain only lower case alphanumeric characters or '-', starting and ending with an alphanumeric, got "${value}"`;
  if (value.includes('--')) return `must not contain consecutive hyphens, got "${value}"`;
  if (!/[a-z]/.test(value)) return `must contain at least one letter, got "${value}"`;
  return undefined;
}

/** Environment variable names. */
export function envNameProblem(value: string): string | undefined {
  if (!ENV_NAME.test(value)) return `a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit, got "${value}"`;
  return undefined;
}
