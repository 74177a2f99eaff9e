/**
 * Checks raw config input against a schema, key by key, before convict merges
 * it. We do not use convict's validate(): it joins all findings into one
 * string and appends each raw value (`value was "rtsp://admin:secret@..."`),
 * and convict coerces file strings on load ("no" -> true for booleans,
 * "12abc" -> 12 for numbers). Checking the raw values ourselves gives exact
 * `file: key: reason` problems, all at once, and only valid values reach convict.
 */
import { CheckFailed, isPlainObject } from './checks.js';
import { isLeaf, leaves, type Leaf, type SchemaNode } from './schema.js';

export interface Checked {
  /** The input minus unknown keys and invalid values: safe to hand to convict's load(). */
  value: Record<string, unknown>;
  problems: string[];
}

/** Runs a leaf's check; returns the reason, or null when the value is fine. */
export function reasonFor(leaf: Leaf<unknown>, value: unknown): string | null {
  try {
    leaf.check(value);
    return null;
  } catch (err) {
    if (err instanceof CheckFailed) return err.message;
    throw err;
  }
}

/** The per-sub-key problems of an object leaf's check (empty when it has none). */
function itemsFor(leaf: Leaf<unknown>, value: unknown): ReadonlyArray<readonly [string, string]> {
  try {
    leaf.check(value);
    return [];
  } catch (err) {
    return err instanceof CheckFailed ? err.items : [];
  }
}

/**
 * Walks an object read from `origin` (a file name) against `schema`.
 * Unknown keys, non-objects where a section is expected and invalid values
 * become problems; keys are reported with their full dotted path (`prefix`).
 */
export function checkInput(schema: SchemaNode, input: Record<string, unknown>, origin: string, prefix = ''): Checked {
  const value: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, raw] of Object.entries(input)) {
    const path = prefix + key;
    const node = Object.hasOwn(schema, key) ? schema[key] : undefined;
    if (node === undefined) {
      problems.push(`${origin}: ${path}: unknown key`);
    } else if (!isLeaf(node)) {
      if (!isPlainObject(raw)) {
        problems.push(`${origin}: ${path}: must be an object, got ${describeType(raw)}`);
        continue;
      }
      const inner = checkInput(node, raw, origin, `${path}.`);
      problems.push(...inner.problems);
      value[key] = inner.value;
    } else {
      const reason = reasonFor(node, raw);
      if (reason !== null) {
        const items = itemsFor(node, raw);
        if (items.length > 0) problems.push(...items.map(([sub, why]) => `${origin}: ${path}.${sub}: ${why}`));
        else problems.push(`${origin}: ${path}: ${reason}`);
      } else if (node.nested && isPlainObject(raw)) {
        const inner = checkInput(node.nested, raw, origin, `${path}.`);
        problems.push(...inner.problems);
        if (inner.problems.length === 0) value[key] = inner.value;
      } else {
        value[key] = raw;
      }
    }
  }
  return { value, problems };
}

function valueAt(obj: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (isPlainObject(o) && Object.hasOwn(o, k) ? o[k] : undefined), obj);
}

function describeType(raw: unknown): string {
  if (raw === null) return 'null';
  if (Array.isArray(raw)) return 'an array';
  return `a ${typeof raw}`;
}

/**
 * Required keys (default null) that no source set: `origin: key: is required`.
 * A key present in `input` but invalid was reported by checkInput already.
 */
export function checkRequired(
  schema: SchemaNode,
  merged: Record<string, unknown>,
  input: Record<string, unknown>,
  origin: string,
): string[] {
  const problems: string[] = [];
  for (const [path, node] of leaves(schema)) {
    if (node.default !== null || valueAt(input, path) !== undefined) continue;
    const value = valueAt(merged, path);
    if (value !== null && value !== undefined) continue;
    const reason = reasonFor(node, null) ?? 'is required';
    problems.push(`${origin}: ${path}: ${reason}`);
  }
  return problems;
}

export interface EnvInput {
  /** Only valid, normalised variables: convict imports these itself. */
  env: Record<string, string>;
  /** dotted key -> variable name, for every key an env variable set. */
  keys: Map<string, string>;
  problems: string[];
}

const TRUE = ['true', '1', 'yes', 'on'];
const FALSE = ['false', '0', 'no', 'off'];
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Environment overrides for the schema's `env` keys. Values are parsed and
 * checked here (problems read `env NAME: key: reason`) because convict's own
 * coercion takes any string but "false" as true and "12abc" as 12.
 */
export function checkEnv(schema: SchemaNode, env: NodeJS.ProcessEnv): EnvInput {
  const out: EnvInput = { env: {}, keys: new Map(), problems: [] };
  for (const [path, node] of leaves(schema)) {
    const name = node.env;
    const text = name === undefined ? undefined : env[name];
    if (name === undefined || text === undefined) continue;
    const origin = `env ${name}`;
    let parsed: unknown = text;
    if (typeof node.default === 'number') {
      parsed = DECIMAL.test(text.trim()) ? Number(text) : text;
    } else if (typeof node.default === 'boolean') {
      const lower = text.trim().toLowerCase();
      parsed = TRUE.includes(lower) ? true : FALSE.includes(lower) ? false : text;
    }
    const reason = reasonFor(node, parsed);
    if (reason !== null) {
      out.problems.push(`${origin}: ${path}: ${reason}`);
      continue;
    }
    // Handed to convict as text; it turns numbers back with parseFloat and booleans by "false".
    out.env[name] = String(parsed);
    out.keys.set(path, name);
  }
  return out;
}
