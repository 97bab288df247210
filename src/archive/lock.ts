/**
 * `postaudio.lock`: what a build of this project is made of and what it made. Every
 * source's path, size and SHA-256, the picture lock's SHA-256, the format and engine
 * versions, and (after `build --record`) the SHA-256 of every output. JSON with sorted
 * keys, written atomically, versioned (STYLE.md #10): a lock from a newer lockVersion
 * is refused with a clear message, never half-read.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { CompileResult } from '../compiler/index.ts';
import type { Diagnostic, Severity } from '../compiler/diagnostics.ts';
import type { Loaded } from '../compiler/load.ts';
import { toPosix } from '../compiler/load.ts';
import type { ResolvedProject } from '../compiler/model.ts';
import { writeAtomic } from '../engine/cache.ts';
import { ENGINE_VERSION } from '../renderers/versions.ts';

export const LOCK_VERSION = 1;
export const LOCK_FILE = 'postaudio.lock';

export interface LockedFile {
  /** Relative to the project folder, posix separators. */
  path: string;
  size: number;
  sha256: string;
}

export interface Lock {
  lockVersion: 1;
  /** The project format version (`postaudio: 1`). */
  format: number;
  /** The engine that wrote the lock (and rendered the recorded deliverables). */
  engine: string;
  sources: Record<string, LockedFile>;
  picture: { path: string; sha256: string } | null;
  /** Output file (relative to the output folder, posix) → SHA-256, from `build --record`. */
  deliverables: Record<string, string>;
}

/** A lock that cannot be used: missing, unreadable, damaged or from a newer postaudio. */
export class LockError extends Error {
  constructor(
    readonly code: 'PA704' | 'PA705',
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'LockError';
  }
}

export function lockPathFor(projectFile: string): string {
  return path.join(path.dirname(path.resolve(projectFile)), LOCK_FILE);
}

const HEX64 = /^[0-9a-f]{64}$/;

/** Reads and checks a lock. Returns undefined when there is none; throws LockError when it cannot be used. */
export function readLock(file: string): Lock | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new LockError('PA705', `${LOCK_FILE} cannot be read: ${(err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new LockError('PA705', `${LOCK_FILE} is damaged: not valid JSON (${(err as Error).message})`, `restore it from version control, or run \`postaudio lock\` to write a new one`);
  }
  return checkLock(raw);
}

function checkLock(raw: unknown): Lock {
  const bad = (why: string) => new LockError('PA705', `${LOCK_FILE} is damaged: ${why}`, 'restore it from version control, or run `postaudio lock` to write a new one');
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad('it is not a JSON object');
  const o = raw as Record<string, unknown>;
  if (typeof o.lockVersion !== 'number' || !Number.isInteger(o.lockVersion)) throw bad('lockVersion is missing');
  if (o.lockVersion > LOCK_VERSION) {
    throw new LockError('PA705', `${LOCK_FILE} has lockVersion ${o.lockVersion}, written by a newer postaudio (this one reads lockVersion ${LOCK_VERSION})`, 'upgrade postaudio to build or verify this project');
  }
  if (o.lockVersion < 1) throw bad(`lockVersion ${o.lockVersion} does not exist`);
  if (typeof o.format !== 'number') throw bad('format is missing');
  if (typeof o.engine !== 'string') throw bad('engine is missing');
  const isFile = (v: unknown): v is LockedFile => {
    const f = v as LockedFile;
    return typeof v === 'object' && v !== null && typeof f.path === 'string' && Number.isInteger(f.size) && f.size >= 0 && typeof f.sha256 === 'string' && HEX64.test(f.sha256);
  };
  if (typeof o.sources !== 'object' || o.sources === null || Array.isArray(o.sources)) throw bad('sources is missing');
  for (const [id, v] of Object.entries(o.sources)) if (!isFile(v)) throw bad(`source '${id}' needs a path, a size and a sha256`);
  const pic = o.picture;
  if (pic !== null && pic !== undefined && !(typeof pic === 'object' && typeof (pic as LockedFile).path === 'string' && HEX64.test(String((pic as LockedFile).sha256)))) throw bad('picture needs a path and a sha256');
  const dels = o.deliverables ?? {};
  if (typeof dels !== 'object' || dels === null || Array.isArray(dels)) throw bad('deliverables must map files to sha256s');
  for (const [f, h] of Object.entries(dels)) if (typeof h !== 'string' || !HEX64.test(h)) throw bad(`deliverable ${f} has no valid sha256`);
  return {
    lockVersion: 1,
    format: o.format,
    engine: o.engine,
    sources: o.sources as Record<string, LockedFile>,
    picture: (pic as Lock['picture']) ?? null,
    deliverables: dels as Record<string, string>,
  };
}

/** JSON with sorted keys at every level and two-space indentation. */
export function stableJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (typeof v === 'object' && v !== null) {
      const o = v as Record<string, unknown>;
      return Object.fromEntries(Object.keys(o).sort().map((k) => [k, sort(o[k])]));
    }
    return v;
  };
  return `${JSON.stringify(sort(value), null, 2)}\n`;
}

export function writeLock(file: string, lock: Lock): void {
  writeAtomic(file, stableJson(lock));
}

/** The picture lock a project names (`picture: { lock: path }` or `picture: path`), if any. */
export function pictureFile(loaded: Loaded): { abs: string; rel: string } | undefined {
  const p = loaded.value.picture as unknown;
  const file = typeof p === 'string' ? p : typeof p === 'object' && p !== null ? (p as { lock?: unknown }).lock : undefined;
  if (typeof file !== 'string' || file === '') return undefined;
  const abs = path.resolve(loaded.root, file);
  return { abs, rel: toPosix(path.relative(loaded.root, abs)) };
}

/** A fresh lock for a compiled project; `deliverables` from a recorded build. */
export function lockOf(project: ResolvedProject, picture: { rel: string; sha256: string } | null, deliverables: Record<string, string> = {}): Lock {
  const sources: Record<string, LockedFile> = {};
  for (const id of [...project.sources.keys()].sort()) {
    const s = project.sources.get(id)!;
    sources[id] = { path: s.rel, size: s.size, sha256: s.sha256 };
  }
  return { lockVersion: 1, format: project.formatVersion, engine: ENGINE_VERSION, sources, picture: picture ? { path: picture.rel, sha256: picture.sha256 } : null, deliverables };
}

export interface LockProblem {
  code: 'PA701' | 'PA702' | 'PA703' | 'PA706';
  message: string;
  /** The source it is about (for messages and tests). */
  source?: string;
  /** Where in the project YAML, when it is about a source the project defines. */
  loc?: { file: string; range: [number, number] };
  hint?: string;
}

const short = (h: string) => h.slice(0, 12);

/** Every way the compiled project differs from its lock (sources, picture, engine). */
export function lockProblems(lock: Lock, project: ResolvedProject, picture: { rel: string; sha256: string } | null): LockProblem[] {
  const out: LockProblem[] = [];
  const relock = 'run `postaudio lock` to accept the new media, or restore the file';
  for (const id of [...project.sources.keys()].sort()) {
    const s = project.sources.get(id)!;
    const l = lock.sources[id];
    if (!l) {
      out.push({ code: 'PA702', source: id, loc: s.loc, message: `source '${id}' (${s.rel}) is not in ${LOCK_FILE}`, hint: 'run `postaudio lock` to add it' });
    } else if (l.sha256 !== s.sha256 || l.size !== s.size) {
      const what = l.size !== s.size ? `${l.size} → ${s.size} bytes, sha256 ${short(l.sha256)}… → ${short(s.sha256)}…` : `sha256 ${short(l.sha256)}… → ${short(s.sha256)}…`;
      out.push({ code: 'PA701', source: id, loc: s.loc, message: `source '${id}' (${s.rel}) no longer matches ${LOCK_FILE}: ${what}`, hint: relock });
    }
  }
  for (const id of Object.keys(lock.sources).sort()) {
    if (!project.sources.has(id)) out.push({ code: 'PA702', source: id, message: `${LOCK_FILE} lists source '${id}' (${lock.sources[id].path}), which the project no longer has`, hint: 'run `postaudio lock` to drop it' });
  }
  const lp = lock.picture;
  if (lp || picture) {
    if (!lp) out.push({ code: 'PA703', message: `the picture lock ${picture!.rel} is not in ${LOCK_FILE}`, hint: 'run `postaudio lock`' });
    else if (!picture) out.push({ code: 'PA703', message: `${LOCK_FILE} pins picture lock ${lp.path}, which the project no longer names`, hint: 'run `postaudio lock`' });
    else if (lp.sha256 !== picture.sha256) out.push({ code: 'PA703', message: `the picture lock ${picture.rel} no longer matches ${LOCK_FILE}: sha256 ${short(lp.sha256)}… → ${short(picture.sha256)}…`, hint: relock });
  }
  if (lock.engine !== ENGINE_VERSION) {
    out.push({ code: 'PA706', message: `${LOCK_FILE} was written by postaudio engine ${lock.engine}; this is ${ENGINE_VERSION}: recorded deliverables may differ` });
  }
  return out;
}

/** A lock problem as a diagnostic of the given severity (engine-version notes stay warnings). */
export function problemDiagnostic(p: LockProblem, severity: Severity, loaded: Loaded | undefined): Diagnostic {
  const d: Diagnostic = { code: p.code, severity: p.code === 'PA706' ? 'warning' : severity, message: p.message, file: LOCK_FILE };
  if (p.loc) {
    d.file = p.loc.file;
    d.range = p.loc.range;
    const pos = loaded?.lineOf(p.loc.file, p.loc.range[0]);
    if (pos) {
      d.line = pos.line;
      d.col = pos.col;
    }
  }
  if (p.hint) d.hint = p.hint;
  return d;
}

/** SHA-256 of the picture lock a compiled project names, or null. */
export async function pictureOf(result: CompileResult, hash: (abs: string) => Promise<string>): Promise<{ rel: string; abs: string; sha256: string } | null> {
  const pic = result.loaded ? pictureFile(result.loaded) : undefined;
  if (!pic || !fs.existsSync(pic.abs)) return null;
  return { ...pic, sha256: await hash(pic.abs) };
}
