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
    const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
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

/** The schema node an error's schemaPath points at (for descriptions and allowed keys). */
function schemaAt(schemaPath: string): Record<string, unknown> | undefined {
  let node: unknown = schema;
  for (const raw of schemaPath.replace(/^#\/?/, '').split('/')) {
    if (raw === '') continue;
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[seg];
    // follow $ref so descriptions of referenced definitions are found
    while (typeof node === 'object' && node !== null && typeof (node as Record<string, unknown>).$ref === 'string' && Object.keys(node).length === 1) {
      node = schemaAt(String((node as Record<string, unknown>).$ref));
    }
  }
  return typeof node === 'object' && node !== null ? (node as Record<string, unknown>) : undefined;
}

function describe(parentSchemaPath: string): string | undefined {
  const s = schemaAt(parentSchemaPath);
  const d = s?.description;
  return typeof d === 'string' ? d : undefined;
}

/** Small edit distance for "did you mean" hints. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = levenshtein(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== undefined && bestD <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}

function levenshtein(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0];
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j];
      dp[j] = Math.min(dp[j] + 1, dp[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length];
}

function where(p: PathSeg[]): string {
  if (p.length === 0) return 'the project';
  return p.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

/** Validates the merged value; reports every schema problem through the sink. Returns true when valid. */
export function validateSchema(loaded: Loaded, sink: DiagnosticSink): boolean {
  const validate = validator();
  if (validate(loaded.value)) return true;
  const errors = (validate.errors ?? []) as ErrorObject[];

  // When a value fails an anyOf, ajv also reports each branch's failure; keep one message for the value.
  const anyOfPaths = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  const seen = new Set<string>();
  for (const e of errors) {
    if (e.keyword !== 'anyOf' && anyOfPaths.has(e.instancePath) && e.schemaPath.includes('/anyOf/')) {
      // a branch failure inside an anyOf: dropped in favour of the anyOf summary, unless it is about a
      // deeper value (an object branch matched and a nested key is wrong)
      continue;
    }
    const p = pointerToPath(e.instancePath);
    let code = 'PA102';
    let message: string;
    let hint: string | undefined;
    let loc = loaded.locate(p);
    switch (e.propertyName !== undefined ? 'propertyName' : e.keyword) {
      case 'propertyName': {
        message = `name '${e.propertyName}' in ${where(p)} is not a valid id (letters, digits, '_', '.', '-')`;
        loc = loaded.locateKey([...p, e.propertyName as string]);
        break;
      }
      case 'additionalProperties': {
        const key = String((e.params as { additionalProperty: string }).additionalProperty);
        const allowed = Object.keys((schemaAt(e.schemaPath.replace(/\/additionalProperties$/, ''))?.properties as object) ?? {});
        code = 'PA103';
        message = `unknown key '${key}' in ${where(p)}`;
        const near = closest(key, allowed);
        hint = near ? `did you mean '${near}'?` : allowed.length ? `allowed keys: ${allowed.join(', ')}` : undefined;
        loc = loaded.locateKey([...p, key]);
        break;
      }
      case 'required': {
        const key = String((e.params as { missingProperty: string }).missingProperty);
        code = 'PA104';
        message = `${where(p)} is missing '${key}'`;
        const d = describe(`${e.schemaPath.replace(/\/required$/, '')}/properties/${key}`);
        hint = d;
        break;
      }
      case 'anyOf': {
        const d = describe(e.schemaPath.replace(/\/anyOf$/, ''));
        message = `${where(p)} has an invalid value ${preview(valueAt(loaded.value, p))}${d ? `: expected ${lowerFirst(d)}` : ''}`;
        break;
      }
      case 'enum': {
        const allowed = (e.params as { allowedValues: unknown[] }).allowedValues;
        message = `${where(p)} must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}; got ${preview(valueAt(loaded.value, p))}`;
        break;
      }
      case 'const': {
        const allowed = (e.params as { allowedValue: unknown }).allowedValue;
        if (p.length === 1 && p[0] === 'postaudio') {
          code = 'PA105';
          message = `unsupported format version ${preview(valueAt(loaded.value, p))}: this postaudio reads version ${JSON.stringify(allowed)}`;
        } else {
          message = `${where(p)} must be ${JSON.stringify(allowed)}`;
        }
        break;
      }
      case 'pattern': {
        const d = describe(e.schemaPath.replace(/\/pattern$/, ''));
        message = `${where(p)} ${preview(valueAt(loaded.value, p))} is not valid${d ? `: expected ${lowerFirst(d)}` : ''}`;
        break;
      }
      case 'propertyNames': {
        continue; // reported with the name itself below (pattern on the key)
      }
      default: {
        message = `${where(p)} ${e.message ?? 'is invalid'}`;
      }
    }
    const dedupe = `${loc.file}:${loc.range[0]}:${code}:${message}`;
    if (seen.has(dedupe)) continue;
    seen.add(dedupe);
    sink.error(code, message, loc, hint);
  }
  return false;
}

function valueAt(v: unknown, p: PathSeg[]): unknown {
  let cur = v;
  for (const s of p) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[s as string];
  }
  return cur;
}

function preview(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? 'undefined' : s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
