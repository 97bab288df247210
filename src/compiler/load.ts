/**
 * Load: read the project file and its includes with positions kept, merge them
 * into one plain value, and remember where every merged entry came from so
 * later stages can point diagnostics at the right file, line and column.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Document, LineCounter, isMap, isSeq, isScalar, parseDocument, type Node as YamlNode } from 'yaml';
import type { DiagnosticSink, Loc } from './diagnostics.ts';
import { closest, schema } from './validate-schema.ts';

export interface LoadedFile {
  /** Absolute path. */
  abs: string;
  /** Path relative to the project folder, posix separators: the name used in diagnostics. */
  rel: string;
  text: string;
  doc: Document;
  lines: LineCounter;
}

export type PathSeg = string | number;

/** Where one merged entry came from: the file and the path of the entry inside that file's document. */
interface Origin {
  file: LoadedFile;
  docPath: PathSeg[];
}

/** Top-level sections merged across includes: maps merge by key, lists concatenate in include order. */
export const MAP_SECTIONS = ['sources', 'buses'] as const;
export const LIST_SECTIONS = ['dialogue', 'sfx', 'foley', 'music'] as const;
const SINGULAR: Record<string, string> = { sources: 'source', buses: 'bus' };
/** Keys only the project file itself may hold. */
const ROOT_ONLY = new Set(['project', 'master', 'picture']);

export interface Loaded {
  /** Folder of the project file: the root every relative name is given against. */
  root: string;
  projectFile: LoadedFile;
  /** Every loaded file in load order (project file first). */
  files: LoadedFile[];
  /** The merged project value (plain JS). */
  value: Record<string, unknown>;
  /** Location of a path in the merged value, e.g. ['dialogue', 3, 'gain']. */
  locate(p: PathSeg[]): Loc;
  /** Location of the key of a map entry (for "unknown key" errors), falling back to the value. */
  locateKey(p: PathSeg[]): Loc;
  /** The path inside the file that holds a merged entry: ['sfx', 7] may be ['sfx', 0] of an included file. */
  localPath(p: PathSeg[]): PathSeg[];
  /** The file (absolute) that defined a merged entry: relative paths inside it resolve against its folder. */
  definingFile(section: string, key: PathSeg): string;
  lineOf(file: string, offset: number): { line: number; col: number } | undefined;
}

/** The format version this postaudio writes and reads natively. */
export const FORMAT_VERSION = 1;

/**
 * Format migrations: MIGRATIONS[v] upgrades a document of version v to v + 1, in place,
 * through the yaml Document API, so diagnostics still point at the user's own lines and
 * comments survive. `postaudio: 1` files keep loading forever: when version 2 arrives, its
 * upgrade from 1 is registered here. A file newer than FORMAT_VERSION is left alone and
 * reported (PA105) by the schema.
 */
export const MIGRATIONS: Record<number, (doc: Document) => void> = {};

export function migrate(doc: Document): void {
  const v = doc.get('postaudio');
  if (typeof v !== 'number' || !Number.isInteger(v) || v >= FORMAT_VERSION) return;
  for (let from = v; from < FORMAT_VERSION; from++) {
    const step = MIGRATIONS[from];
    if (!step) return; // no path from this version: the schema reports it
    step(doc);
    doc.set('postaudio', from + 1);
  }
}

export function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

function rangeOf(node: unknown): [number, number] | undefined {
  const r = (node as YamlNode | undefined)?.range;
  return r ? [r[0], r[1]] : undefined;
}

/** Finds the deepest node along `docPath` that exists and returns its range (and the key's range when asked). */
function findRange(doc: Document, docPath: PathSeg[], wantKey: boolean): [number, number] {
  let node: unknown = doc.contents;
  let best = rangeOf(node) ?? [0, 0];
  for (let i = 0; i < docPath.length; i++) {
    const seg = docPath[i];
    if (isMap(node)) {
      const pair = node.items.find((it) => isScalar(it.key) && String(it.key.value) === String(seg));
      if (!pair) break;
      if (wantKey && i === docPath.length - 1 && rangeOf(pair.key)) return rangeOf(pair.key)!;
      node = pair.value;
      best = rangeOf(node) ?? rangeOf(pair.key) ?? best;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg];
      if (item === undefined) break;
      node = item;
      best = rangeOf(node) ?? best;
    } else {
      break;
    }
  }
  return best;
}

export interface LoadOptions {
  sink: DiagnosticSink;
}

/** Reads the project file and every include. Returns undefined only when the project file itself cannot be read. */
export function load(projectFile: string, { sink }: LoadOptions): Loaded | undefined {
  const abs = path.resolve(projectFile);
  const root = path.dirname(abs);
  const files: LoadedFile[] = [];
  const byRel = new Map<string, LoadedFile>();

  const lineOf = (file: string, offset: number) => {
    const f = byRel.get(file);
    if (!f) return undefined;
    const p = f.lines.linePos(offset);
    return { line: p.line, col: p.col };
  };
  sink.setLookup(lineOf);

  const readFile = (fileAbs: string, from?: Loc): LoadedFile | undefined => {
    const rel = toPosix(path.relative(root, fileAbs)) || path.basename(fileAbs);
    let text: string;
    try {
      text = fs.readFileSync(fileAbs, 'utf8');
    } catch (err) {
      const what = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : 'cannot be read';
      sink.error(from ? 'PA111' : 'PA100', `file ${rel} ${what}`, from);
      return undefined;
    }
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    if (doc.errors.length === 0) migrate(doc);
    const f: LoadedFile = { abs: fileAbs, rel, text, doc, lines };
    files.push(f);
    byRel.set(rel, f);
    for (const e of doc.errors) {
      sink.error('PA101', `YAML syntax: ${firstLine(e.message)}`, { file: rel, range: [e.pos[0], e.pos[1]] });
    }
    for (const w of doc.warnings) {
      sink.warning('PA101', `YAML: ${firstLine(w.message)}`, { file: rel, range: [w.pos[0], w.pos[1]] });
    }
    return f;
  };

  const projectLoaded = readFile(abs);
  if (!projectLoaded) return undefined;

  const value: Record<string, unknown> = {};
  const origins = new Map<string, Origin>(); // "section\u0000key" → origin
  const topOrigin = new Map<string, LoadedFile>(); // section → the file whose value stands for it

  const merge = (f: LoadedFile, stack: string[]) => {
    if (f.doc.errors.length > 0) return;
    const js = f.doc.toJS({ maxAliasCount: 100 }) as unknown;
    if (js === null || js === undefined) {
      if (f === projectLoaded) sink.error('PA102', 'the project file is empty', { file: f.rel, range: [0, 0] });
      return;
    }
    if (typeof js !== 'object' || Array.isArray(js)) {
      sink.error('PA102', 'a project file must be a map of sections (postaudio, project, sources, ...)', {
        file: f.rel,
        range: findRange(f.doc, [], false),
      });
      return;
    }
    const obj = js as Record<string, unknown>;
    for (const key of Object.keys(obj)) {
      const v = obj[key];
      if (f !== projectLoaded && ROOT_ONLY.has(key)) {
        sink.error('PA107', `'${key}' belongs in the project file, not in an included file`, {
          file: f.rel,
          range: findRange(f.doc, [key], true),
        });
        continue;
      }
      if (key === 'include') continue;
      const isMapSection = (MAP_SECTIONS as readonly string[]).includes(key);
      const isListSection = (LIST_SECTIONS as readonly string[]).includes(key);
      const rightType = (x: unknown) => (isMapSection ? isPlainObject(x) : Array.isArray(x));
      if (isMapSection && isPlainObject(v) && (value[key] === undefined || isPlainObject(value[key]))) {
        const target = (value[key] ??= {}) as Record<string, unknown>;
        if (!topOrigin.has(key)) topOrigin.set(key, f);
        for (const k of Object.keys(v)) {
          const prev = origins.get(`${key}\u0000${k}`);
          if (prev) {
            sink.error(
              'PA201',
              `${SINGULAR[key]} '${k}' is defined twice (first in ${prev.file.rel}:${lineOf(prev.file.rel, findRange(prev.file.doc, prev.docPath, true)[0])?.line ?? '?'})`,
              { file: f.rel, range: findRange(f.doc, [key, k], true) },
            );
            continue;
          }
          target[k] = v[k];
          origins.set(`${key}\u0000${k}`, { file: f, docPath: [key, k] });
        }
      } else if (isListSection && Array.isArray(v) && (value[key] === undefined || Array.isArray(value[key]))) {
        const target = (value[key] ??= []) as unknown[];
        if (!topOrigin.has(key)) topOrigin.set(key, f);
        v.forEach((item, i) => {
          origins.set(`${key}\u0000${target.length}`, { file: f, docPath: [key, i] });
          target.push(item);
        });
      } else if (key === 'postaudio') {
        if (f === projectLoaded) value[key] = v;
        else if (v !== 1) {
          // an included file may state its format version; it must agree with the loader
          sink.error('PA105', `unsupported format version ${JSON.stringify(v)}: this postaudio reads version 1`, {
            file: f.rel,
            range: findRange(f.doc, [key], false),
          });
        }
      } else if (value[key] === undefined) {
        // scalars, project, master, unknown keys, or a section of the wrong type (the schema reports them)
        value[key] = v;
        topOrigin.set(key, f);
      } else if (isMapSection || isListSection) {
        // a section seen before with a different type: report the one of the wrong type here;
        // when this one is right, the earlier one is wrong and the schema reports it there
        if (!rightType(v)) {
          sink.error('PA102', `'${key}' must be ${isMapSection ? 'a map' : 'a list'}`, {
            file: f.rel,
            range: findRange(f.doc, [key], false),
          });
        }
      } else {
        // an unknown key seen in an earlier file too (the schema reports the first one)
        const near = closest(key, Object.keys(schema.properties as object));
        sink.error('PA103', `unknown key '${key}' in the project`, { file: f.rel, range: findRange(f.doc, [key], true) }, near ? `did you mean '${near}'?` : undefined);
      }
    }

    const includes = obj.include;
    if (includes === undefined) return;
    if (!Array.isArray(includes)) {
      sink.error('PA102', "'include' must be a list of file paths", { file: f.rel, range: findRange(f.doc, ['include'], false) });
      return;
    }
    includes.forEach((inc, i) => {
      const loc: Loc = { file: f.rel, range: findRange(f.doc, ['include', i], false) };
      if (typeof inc !== 'string' || inc.length === 0) {
        sink.error('PA102', 'an include must be a file path', loc);
        return;
      }
      const incAbs = path.resolve(path.dirname(f.abs), inc);
      const escape = confinementProblem(incAbs, root, []);
      if (escape) {
        sink.error('PA210', `include ${inc} ${escape}`, loc, 'keep included YAML inside the project folder');
        return;
      }
      if (stack.includes(incAbs)) {
        const chain = [...stack.slice(stack.indexOf(incAbs)), incAbs].map((p) => toPosix(path.relative(root, p))).join(' → ');
        sink.error('PA110', `include cycle: ${chain}`, loc, 'remove one of the includes in the cycle');
        return;
      }
      if (files.some((x) => x.abs === incAbs)) {
        sink.error('PA110', `${toPosix(path.relative(root, incAbs))} is included more than once`, loc);
        return;
      }
      const child = readFile(incAbs, loc);
      if (child) merge(child, [...stack, incAbs]);
    });
  };

  merge(projectLoaded, [abs]);

  const originOf = (p: PathSeg[]): { file: LoadedFile; docPath: PathSeg[] } => {
    if (p.length >= 2) {
      const o = origins.get(`${p[0]}\u0000${p[1]}`);
      if (o) return { file: o.file, docPath: [...o.docPath, ...p.slice(2)] };
    }
    if (p.length >= 1) {
      const f = topOrigin.get(String(p[0]));
      if (f) return { file: f, docPath: p };
    }
    return { file: projectLoaded, docPath: p };
  };

  return {
    root,
    projectFile: projectLoaded,
    files,
    value,
    locate(p) {
      const o = originOf(p);
      return { file: o.file.rel, range: findRange(o.file.doc, o.docPath, false) };
    },
    locateKey(p) {
      const o = originOf(p);
      return { file: o.file.rel, range: findRange(o.file.doc, o.docPath, true) };
    },
    localPath(p) {
      return originOf(p).docPath;
    },
    definingFile(section, key) {
      return originOf([section, key]).file.abs;
    },
    lineOf,
  };
}

/**
 * Paths are confined to the project folder (or a listed media root): a pull request must not be able
 * to make a build read any file on the machine. Returns why a path is refused, or undefined.
 */
export function confinementProblem(target: string, root: string, mediaRoots: string[]): string | undefined {
  const inside = (dir: string, p: string) => {
    const rel = path.relative(dir, p);
    // '..foo.wav' is a file inside the folder; only '..' itself or '../…' leaves it
    return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
  };
  const real = (p: string) => {
    try {
      return fs.realpathSync(p);
    } catch {
      return p;
    }
  };
  const allowed = [root, ...mediaRoots];
  if (!allowed.some((dir) => inside(dir, target))) {
    return mediaRoots.length > 0 ? 'is outside the project folder and its media_roots' : 'is outside the project folder';
  }
  // A symlink inside the project must not lead outside it either.
  const t = real(target);
  if (!allowed.some((dir) => inside(real(dir), t))) return 'leads outside the project folder through a symbolic link';
  return undefined;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function firstLine(s: string): string {
  return s.split('\n')[0];
}

