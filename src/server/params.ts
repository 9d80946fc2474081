// Request parameters: parsing form-urlencoded text, un-flattening `A.0.B=v` into structures,
// coercing strings to the field types of the action's request schema, and validating JSON bodies
// against the same schema. Everything the handler receives has been through here, so it is
// exactly the shape the schema declares: known fields only, required ones present, right types.
//
// The result is always a fresh object built from schema field names, never the client's own
// objects, so keys like `__proto__` can never reach a handler.
import type { FieldType, RequestSchema } from '../core/action.ts';
import { GatewayError } from './gateway-error.ts';

export type FlatParams = Map<string, string>;

const bad = (key: string, ...args: string[]): GatewayError => new GatewayError(key, args);

/**
 * Parses application/x-www-form-urlencoded text (a query string or a form body) into a map.
 * `+` is a space; malformed percent-encoding and repeated names are errors.
 */
export function parseForm(text: string): FlatParams {
  const out: FlatParams = new Map();
  if (text === '') return out;
  for (const piece of text.split('&')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    const rawName = eq < 0 ? piece : piece.slice(0, eq);
    const rawValue = eq < 0 ? '' : piece.slice(eq + 1);
    const name = decode(rawName);
    const value = decode(rawValue);
    if (name === '') throw bad('InvalidParameter#form');
    if (out.has(name)) throw bad('InvalidParameter#duplicate', name.slice(0, 128));
    out.set(name, value);
  }
  return out;
}

function decode(s: string): string {
  if (s.indexOf('+') >= 0) s = s.replace(/\+/g, ' ');
  if (s.indexOf('%') < 0) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    throw bad('InvalidParameter#form');
  }
}

// ---- un-flattening ------------------------------------------------------------------------

type Node = { leaf: string } | { branch: Map<string, Node> };

const MAX_DEPTH = 32;

function buildTree(params: FlatParams): Map<string, Node> {
  const root = new Map<string, Node>();
  for (const [name, value] of params) {
    const parts = name.split('.');
    if (parts.length > MAX_DEPTH || parts.some((p) => p === '')) throw bad('UnknownParameter', name.slice(0, 128));
    let level = root;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      const last = i === parts.length - 1;
      const existing = level.get(part);
      const path = parts.slice(0, i + 1).join('.');
      if (last) {
        if (existing) throw bad('branch' in existing ? 'InvalidParameter#conflict' : 'InvalidParameter#duplicate', path);
        level.set(part, { leaf: value });
      } else {
        if (existing && 'leaf' in existing) throw bad('InvalidParameter#conflict', path);
        let next = existing as { branch: Map<string, Node> } | undefined;
        if (!next) {
          next = { branch: new Map() };
          level.set(part, next);
        }
        level = next.branch;
      }
    }
  }
  return root;
}

/** Un-flattens form/query parameters and coerces them to the schema's types. */
export function fromFlat(params: FlatParams, schema: RequestSchema): Record<string, unknown> {
  return flatObject(buildTree(params), schema, '');
}

function flatObject(fields: Map<string, Node>, schema: RequestSchema, prefix: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, node] of fields) {
    const path = prefix + name;
    if (!Object.hasOwn(schema, name)) throw bad('UnknownParameter', path.slice(0, 128));
    out[name] = flatValue(node, schema[name]!.type, path);
  }
  requireFields(out, schema, prefix);
  return out;
}

const INDEX_RE = /^(0|[1-9]\d{0,5})$/;

function flatValue(node: Node, type: FieldType, path: string): unknown {
  if (typeof type === 'string') {
    if (!('leaf' in node)) throw bad('InvalidParameter', path, type);
    return coerceScalar(node.leaf, type, path);
  }
  if ('array' in type) {
    if (!('branch' in node)) throw bad('InvalidParameter', path, 'array');
    const items: unknown[] = new Array(node.branch.size);
    for (const [index, child] of node.branch) {
      const i = INDEX_RE.test(index) ? Number(index) : -1;
      if (i < 0 || i >= items.length) throw bad('InvalidParameter#index', path);
      items[i] = flatValue(child, type.array, `${path}.${index}`);
    }
    return items;
  }
  if (!('branch' in node)) throw bad('InvalidParameter', path, 'object');
  return flatObject(node.branch, type.object, path + '.');
}

const INTEGER_RE = /^[+-]?\d{1,16}$/;
const NUMBER_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d{1,3})?$/;
const TRUE = new Set(['true', 'True', 'TRUE', '1', 't', 'T']);
const FALSE = new Set(['false', 'False', 'FALSE', '0', 'f', 'F']);

function coerceScalar(value: string, type: 'string' | 'integer' | 'number' | 'boolean', path: string): unknown {
  switch (type) {
    case 'string':
      return value;
    case 'integer': {
      const n = INTEGER_RE.test(value) ? Number(value) : NaN;
      if (!Number.isSafeInteger(n)) throw bad('InvalidParameter', path, type);
      return n;
    }
    case 'number': {
      const n = NUMBER_RE.test(value) ? Number(value) : NaN;
      if (!Number.isFinite(n)) throw bad('InvalidParameter', path, type);
      return n;
    }
    case 'boolean':
      if (TRUE.has(value)) return true;
      if (FALSE.has(value)) return false;
      throw bad('InvalidParameter', path, type);
  }
}

// ---- JSON bodies --------------------------------------------------------------------------

/** Parses a TC3 JSON body: empty means no parameters; anything but a JSON object is an error. */
export function parseJsonBody(body: Buffer | undefined): Record<string, unknown> {
  if (!body || body.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw bad('InvalidParameter#json');
  }
  if (!isPlainObject(value)) throw bad('InvalidParameter#json');
  return value;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Validates a JSON object against the schema. JSON null counts as absent (the SDKs strip nulls). */
export function fromJson(input: Record<string, unknown>, schema: RequestSchema): Record<string, unknown> {
  return jsonObject(input, schema, '');
}

function jsonObject(input: Record<string, unknown>, schema: RequestSchema, prefix: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(input)) {
    const path = prefix + name;
    if (!Object.hasOwn(schema, name)) throw bad('UnknownParameter', path.slice(0, 128));
    const value = input[name];
    if (value === null || value === undefined) continue;
    out[name] = jsonValue(value, schema[name]!.type, path);
  }
  requireFields(out, schema, prefix);
  return out;
}

function jsonValue(value: unknown, type: FieldType, path: string): unknown {
  if (typeof type === 'string') {
    switch (type) {
      case 'string':
        if (typeof value === 'string') return value;
        break;
      case 'integer':
        if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
        break;
      case 'number':
        if (typeof value === 'number' && Number.isFinite(value)) return value;
        break;
      case 'boolean':
        if (typeof value === 'boolean') return value;
        break;
    }
    throw bad('InvalidParameter', path, type);
  }
  if ('array' in type) {
    if (!Array.isArray(value)) throw bad('InvalidParameter', path, 'array');
    return value.map((item, i) => {
      if (item === null || item === undefined) throw bad('InvalidParameter', `${path}.${i}`, typeof type.array === 'string' ? type.array : 'array' in type.array ? 'array' : 'object');
      return jsonValue(item, type.array, `${path}.${i}`);
    });
  }
  if (!isPlainObject(value)) throw bad('InvalidParameter', path, 'object');
  return jsonObject(value, type.object, path + '.');
}

function requireFields(out: Record<string, unknown>, schema: RequestSchema, prefix: string): void {
  for (const name in schema) {
    if (schema[name]!.required && out[name] === undefined) throw bad('MissingParameter', prefix + name);
  }
}
