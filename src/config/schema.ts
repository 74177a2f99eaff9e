/**
 * Shape of lookout's convict schemas. Each leaf carries a typed Check as its
 * convict `format`; the config types are derived from the leaves (ConfigOf),
 * so nothing is declared twice.
 */
import type { Check } from './checks.js';

export interface Leaf<T> {
  doc: string;
  default: T | null;
  /** What convict runs. The same as `check`, except for nested objects (see `nested`). */
  format: Check<T> | ObjectConstructor;
  /** Our validator; also names the format in the generated reference. */
  check: Check<T>;
  env?: string;
  sensitive?: boolean;
  /** An object leaf whose own keys follow this schema (only keys it sets; e.g. cameras.defaults). */
  nested?: SchemaNode;
}

export interface SchemaNode {
  [key: string]: Leaf<unknown> | SchemaNode;
}

/**
 * A leaf. `default: null` marks a required key. Object leaves with a nested
 * schema are given to convict as format `Object`, which makes convict treat
 * the value as one opaque leaf (its overlay would otherwise recurse into a
 * leaf and crash); the nested keys are checked by validate.ts.
 */
export function leaf<T>(spec: Omit<Leaf<T>, 'format'>): Leaf<T> {
  return { ...spec, format: spec.nested ? Object : spec.check };
}

export function isLeaf(node: Leaf<unknown> | SchemaNode): node is Leaf<unknown> {
  return 'default' in node && 'check' in node;
}

/** The config object a schema yields after validation (required keys are non-null). */
export type ConfigOf<S> = {
  [K in keyof S]: S[K] extends Leaf<infer T> ? T : ConfigOf<S[K]>;
};

export type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

/** Every leaf with its dotted key, in schema order. */
export function leaves(schema: SchemaNode, prefix = ''): Array<[string, Leaf<unknown>]> {
  const out: Array<[string, Leaf<unknown>]> = [];
  for (const [key, node] of Object.entries(schema)) {
    if (isLeaf(node)) out.push([prefix + key, node]);
    else out.push(...leaves(node, `${prefix}${key}.`));
  }
  return out;
}
