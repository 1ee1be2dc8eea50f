import { BadRequestError } from '../errors';
import type { LabelSelector } from '../api/types';

// Kubernetes label selectors: "a=b,c!=d,e in (x,y),f notin (z),g,!h". Pure: parse once,
// match many times (the watch cache matches every event against every watcher).

export type LabelOperator = 'Equals' | 'NotEquals' | 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  values: string[];
}

export type Labels = Readonly<Record<string, string>>;

export interface LabelMatcher {
  readonly requirements: readonly LabelRequirement[];
  /** True when the selector selects everything (an empty string). */
  readonly empty: boolean;
  matches(labels: Labels | undefined): boolean;
}

const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Why a label key is invalid, or undefined if it is valid. */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.indexOf('/');
  const name = slash < 0 ? key : key.slice(slash + 1);
  if (slash >= 0) {
    const prefix = key.slice(0, slash);
    if (prefix.length === 0 || prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix)) return `invalid label key prefix "${prefix}": must be a DNS subdomain`;
  }
  if (!NAME.test(name)) return `invalid label key "${key}": name part must be 1-63 alphanumeric characters, '-', '_' or '.', starting and ending with an alphanumeric`;
  return undefined;
}

/** Why a label value is invalid, or undefined if it is valid (empty is valid). */
export function labelValueProblem(value: string): string | undefined {
  if (value === '' || NAME.test(value)) return undefined;
  return `invalid label value "${value}": must be at most 63 alphanumeric characters, '-', '_' or '.', starting and ending with an alphanumeric`;
}

export function requirementMatches(r: LabelRequirement, labels: Labels | undefined): boolean {
  const has = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, r.key);
  const v = has ? labels[r.key] : undefined;
  switch (r.operator) {
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Equals':
    case 'In':
      return has && r.values.includes(v as string);
    case 'NotEquals':
    case 'NotIn':
      return !has || !r.values.includes(v as string);
  }
}

export function matcherOf(requirements: LabelRequirement[]): LabelMatcher {
  return {
    requirements,
    empty: requirements.length === 0,
    matches: (labels) => requirements.every((r) => requirementMatches(r, labels)),
  };
}

/** Selects nothing: Kubernetes' meaning of an absent selector on a controller. */
export const NOTHING: LabelMatcher = { requirements: [], empty: false, matches: () => false };

type Token = { kind: 'word'; text: string } | { kind: 'op'; text: '=' | '==' | '!=' | '!' | '(' | ')' | ',' };

function tokenize(input: string, fail: (msg: string) => never): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i];
    if (/\s/.test(c)) {
      i++;
    } else if (input.startsWith('!=', i) || input.startsWith('==', i)) {
      tokens.push({ kind: 'op', text: input.slice(i, i + 2) as '!=' | '==' });
      i += 2;
    } else if ('=!(),'.includes(c)) {
      tokens.push({ kind: 'op', text: c as '=' | '!' | '(' | ')' | ',' });
      i++;
    } else {
      let j = i;
      while (j < input.length && !/[\s=!(),]/.test(input[j])) j++;
      tokens.push({ kind: 'word', text: input.slice(i, j) });
      i = j;
    }
  }
  if (tokens.some((t) => t.kind === 'word' && /[<>]/.test(t.text))) fail('the operators < and > are not supported');
  return tokens;
}

/**
 * Parses a label selector string. Throws BadRequestError naming the problem and its position
 * in words (`label selector "a in (x": missing ")" after the values of "a"`).
 */
export function parseLabelSelector(input: string): LabelMatcher {
  const fail = (msg: string): never => {
    throw new BadRequestError(`label selector "${input}": ${msg}`);
  };
  const tokens = tokenize(input, fail);
  const reqs: LabelRequirement[] = [];
  let p = 0;
  const peek = (): Token | undefined => tokens[p];
  const word = (what: string): string => {
    const t = tokens[p];
    if (t?.kind !== 'word') fail(`expected ${what}${t ? ` but found "${t.text}"` : ' at the end'}`);
    p++;
    return (t as { text: string }).text;
  };
  const checkKey = (key: string): void => {
    const problem = labelKeyProblem(key);
    if (problem) fail(problem);
  };
  const checkValue = (value: string): void => {
    const problem = labelValueProblem(value);
    if (problem) fail(problem);
  };
  while (p < tokens.length) {
    if (peek()?.text === '!') {
      p++;
      const key = word('a label key after "!"');
      checkKey(key);
      reqs.push({ key, operator: 'DoesNotExist', values: [] });
    } else {
      const key = word('a label key');
      checkKey(key);
      const t = peek();
      if (t === undefined || t.text === ',') {
        reqs.push({ key, operator: 'Exists', values: [] });
      } else if (t.kind === 'op' && (t.text === '=' || t.text === '==' || t.text === '!=')) {
        p++;
        const next = peek();
        const value = next?.kind === 'word' ? (p++, next.text) : '';
        checkValue(value);
        reqs.push({ key, operator: t.text === '!=' ? 'NotEquals' : 'Equals', values: [value] });
      } else if (t.kind === 'word' && (t.text === 'in' || t.text === 'notin')) {
        p++;
        if (peek()?.text !== '(') fail(`expected "(" after "${t.text}" for "${key}"`);
        p++;
        const values: string[] = [];
        for (;;) {
          const v = peek();
          if (v === undefined) fail(`missing ")" after the values of "${key}"`);
          if (v?.kind === 'word') {
            checkValue(v.text);
            values.push(v.text);
            p++;
          }
          const sep = peek();
          if (sep?.text === ')') {
            p++;
            break;
          }
          if (sep === undefined) fail(`missing ")" after the values of "${key}"`);
          if (sep?.text !== ',') fail(`unexpected "${sep?.text}" in the values of "${key}"`);
          p++;
        }
        if (values.length === 0) fail(`"${key} ${t.text} ()" needs at least one value`);
        reqs.push({ key, operator: t.text === 'in' ? 'In' : 'NotIn', values });
      } else {
        fail(`unexpected "${t.text}" after "${key}": expected =, ==, !=, in, notin or ","`);
      }
    }
    if (p < tokens.length) {
      if (peek()?.text !== ',') fail(`expected "," but found "${peek()?.text}"`);
      p++;
      if (p === tokens.length) fail('trailing ","');
    }
  }
  return matcherOf(reqs);
}

/**
 * A LabelSelector message (a controller's spec.selector) as a matcher. An absent selector
 * selects nothing; an empty one selects everything (Kubernetes' rule).
 */
export function labelSelectorFromMessage(sel: LabelSelector | undefined): LabelMatcher {
  if (sel === undefined) return NOTHING;
  const reqs: LabelRequirement[] = Object.entries(sel.matchLabels ?? {}).map(([key, value]) => ({ key, operator: 'Equals', values: [value] }));
  for (const e of sel.matchExpressions ?? []) {
    const op = e.operator as LabelOperator;
    if (op === 'In' || op === 'NotIn') {
      if (e.values.length === 0) throw new BadRequestError(`label selector: operator ${op} on "${e.key}" needs values`);
    } else if (op === 'Exists' || op === 'DoesNotExist') {
      if (e.values.length > 0) throw new BadRequestError(`label selector: operator ${op} on "${e.key}" takes no values`);
    } else {
      throw new BadRequestError(`label selector: unknown operator "${e.operator}" on "${e.key}" (In, NotIn, Exists, DoesNotExist)`);
    }
    reqs.push({ key: e.key, operator: op, values: [...e.values] });
  }
  return matcherOf(reqs);
}

/** The selector string form of a LabelSelector message ("app=web,tier in (a,b)"), for List calls. */
export function labelSelectorToString(sel: LabelSelector): string {
  const parts = Object.entries(sel.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of sel.matchExpressions ?? []) {
    if (e.operator === 'In') parts.push(`${e.key} in (${e.values.join(',')})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${e.values.join(',')})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.join(',');
}
