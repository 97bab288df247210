/**
 * Schema validation: ajv checks the merged project value against the JSON Schema
 * (all errors, not the first), and each error is mapped back to the YAML node it
 * is about (STYLE.md #5) with a message a sound editor can act on.
 */
import { createRequire } from 'node:module';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsImport from 'ajv-formats';
import type { DiagnosticSink } from './diagnostics.ts';
import type { Loaded, PathSeg } from './load.ts';

const require = createRequire(import.meta.url);
export const schema = require('../../schema/postaudio.schema.json') as Record<string, unknown>;

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (!compiled) {
    // verbose: every error carries its parentSchema. ajv's schemaPath is relative to the compiled
    // function it came from ('#/required' inside $defs/project), so it cannot be looked up in the schema.
    const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true });
    const addFormats = addFormatsImport as unknown as (a: Ajv2020) => void;
    addFormats(ajv);
    compiled = ajv.compile(schema);
  }
  return compiled;
}

function pointerToPath(pointer: string): PathSeg[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

type SchemaNode = Record<string, unknown>;

/** The schema node at a local reference like '#/$defs/timecode'. */
function schemaAt(ref: string): SchemaNode | undefined {
  let node: unknown = schema;
  for (const raw of ref.replace(/^#\/?/, '').split('/')) {
    if (raw === '') continue;
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as SchemaNode)[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return typeof node === 'object' && node !== null ? (node as SchemaNode) : undefined;
}

/** A schema's description, looking through a bare $ref. */
function describe(s: unknown): string | undefined {
  if (typeof s !== 'object' || s === null) return undefined;
  const n = s as SchemaNode;
  if (typeof n.description === 'string') return n.description;
  return typeof n.$ref === 'string' ? describe(schemaAt(n.$ref)) : undefined;
}

/** Small edit distance for "did you mean" hints. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== undefined && bestD <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}

/** Optimal string alignment distance: Levenshtein plus adjacent transpositions ('titel' → 'title' is 1). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** A path for messages: dialogue[3].fade_in.length */
export function where(p: PathSeg[]): string {
  if (p.length === 0) return 'the project';
  return p.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

/** JSON Schema types in the words of a YAML file. */
const YAML_TYPE_NAMES: Record<string, string> = {
  object: 'a map',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  null: 'empty',
};

/** An anyOf error with the errors of its branches (nested anyOf groups stay groups). */
interface AnyOfGroup {
  head: ErrorObject;
  members: Item[];
}
type Item = ErrorObject | AnyOfGroup;

const isGroup = (i: Item): i is AnyOfGroup => 'head' in i;
const pathOfItem = (i: Item) => (isGroup(i) ? i.head.instancePath : i.instancePath);
const under = (p: string, base: string) => p === base || p.startsWith(`${base}/`);

/**
 * ajv reports every branch failure of an anyOf just before the anyOf error itself. Fold them
 * into groups so each value gets one message: the branch errors are the contiguous run of
 * preceding errors at or under the anyOf's instance path.
 */
function groupAnyOf(errors: ErrorObject[]): Item[] {
  const items: Item[] = [];
  for (const e of errors) {
    if (e.keyword !== 'anyOf') {
      items.push(e);
      continue;
    }
    let k = items.length;
    while (k > 0 && under(pathOfItem(items[k - 1]), e.instancePath)) k--;
    items.push({ head: e, members: items.splice(k) });
  }
  return items;
}

/** Validates the merged value; reports every schema problem through the sink. Returns true when valid. */
export function validateSchema(loaded: Loaded, sink: DiagnosticSink): boolean {
  const validate = validator();
  if (validate(loaded.value)) return true;
  const errors = (validate.errors ?? []) as ErrorObject[];
  const seen = new Set<string>();
  // Messages name the path inside the file that holds it (sfx[0] of reels/r1.yaml, not of the merge).
  const name = (p: PathSeg[]) => where(loaded.localPath(p));

  const report = (e: ErrorObject) => {
    const p = pointerToPath(e.instancePath);
    const parent = (e.parentSchema ?? {}) as SchemaNode;
    const props = (parent.properties ?? {}) as Record<string, unknown>;
    let code = 'PA102';
    let message: string;
    let hint: string | undefined;
    let loc = loaded.locate(p);
    switch (e.propertyName !== undefined ? 'propertyName' : e.keyword) {
      case 'propertyName': {
        message = `name '${e.propertyName}' in ${name(p)} is not a valid id (letters, digits, '_', '.', '-')`;
        loc = loaded.locateKey([...p, e.propertyName as string]);
        break;
      }
      case 'propertyNames':
        return; // reported with the name itself (the pattern error carries propertyName)
      case 'additionalProperties': {
        const key = String((e.params as { additionalProperty: string }).additionalProperty);
        const allowed = Object.keys(props);
        code = 'PA103';
        message = `unknown key '${key}' in ${name(p)}`;
        const near = closest(key, allowed);
        hint = near ? `did you mean '${near}'?` : allowed.length ? `allowed keys: ${allowed.join(', ')}` : undefined;
        loc = loaded.locateKey([...p, key]);
        break;
      }
      case 'required': {
        // points at the map that lacks the key
        const key = String((e.params as { missingProperty: string }).missingProperty);
        code = 'PA104';
        message = `${name(p)} is missing '${key}'`;
        hint = describe(props[key]);
        break;
      }
      case 'anyOf': {
        const d = describe(parent);
        message = `${name(p)} has an invalid value ${preview(e.data)}${d ? `: expected ${lowerFirst(d)}` : ''}`;
        break;
      }
      case 'enum': {
        const allowed = (e.params as { allowedValues: unknown[] }).allowedValues;
        message = `${name(p)} must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}; got ${preview(e.data)}`;
        break;
      }
      case 'const': {
        const allowed = (e.params as { allowedValue: unknown }).allowedValue;
        if (p.length === 1 && p[0] === 'postaudio') {
          code = 'PA105';
          message = `unsupported format version ${preview(e.data)}: this postaudio reads version ${JSON.stringify(allowed)}`;
        } else {
          message = `${name(p)} must be ${JSON.stringify(allowed)}`;
        }
        break;
      }
      case 'pattern': {
        const d = describe(parent);
        message = `${name(p)} ${preview(e.data)} is not valid${d ? `: expected ${lowerFirst(d)}` : ''}`;
        break;
      }
      case 'type': {
        const d = describe(parent);
        const t = String((e.params as { type: unknown }).type)
          .split(',')
          .map((x) => YAML_TYPE_NAMES[x] ?? x)
          .join(' or ');
        message = `${name(p)} must be ${t}, got ${preview(e.data)}${d ? ` (${lowerFirst(d).replace(/\.$/, '')})` : ''}`;
        break;
      }
      default: {
        message = `${name(p)} ${e.message ?? 'is invalid'}`;
      }
    }
    const dedupe = `${loc.file}:${loc.range[0]}:${code}:${message}`;
    if (seen.has(dedupe)) return;
    seen.add(dedupe);
    sink.error(code, message, loc, hint);
  };

  const emit = (item: Item): void => {
    if (!isGroup(item)) return report(item);
    // An object that matched an object branch's type: its own problems (unknown or missing keys,
    // bad nested values) say more than "invalid value". Anything else: one message for the value.
    const base = item.head.instancePath;
    const specific = isPlainObject(item.head.data)
      ? item.members.filter((m) => pathOfItem(m) !== base || (!isGroup(m) && (m.keyword === 'required' || m.keyword === 'additionalProperties')))
      : [];
    if (specific.length > 0) specific.forEach(emit);
    else report(item.head);
  };
  groupAnyOf(errors).forEach(emit);
  return false;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function preview(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? 'undefined' : s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

/** 'A duration' → 'a duration', but 'SMPTE timecode' stays. */
function lowerFirst(s: string): string {
  return /^[A-Z][A-Z]/.test(s) ? s : s.charAt(0).toLowerCase() + s.slice(1);
}
