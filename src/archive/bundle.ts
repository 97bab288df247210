/**
 * `archive OUT`: a self-contained folder from which the project builds anywhere, years
 * later, to the recorded hashes. It holds the project YAML (same layout), postaudio.lock,
 * every source, the picture lock and MANIFEST.json (SHA-256 of every file).
 *
 * Files inside the project folder keep their relative paths. Sources (and a picture lock)
 * outside it, under project.media_roots, are copied to media/<root name>/… and the copied
 * YAML points at them: the value is found with the yaml Document API and only its bytes are
 * replaced, so the rest of the file (comments, layout) is the author's. Paths never enter a
 * render key, so the bundle renders the same bytes.
 *
 * The bundle is written to a temp folder beside OUT and renamed into place: an interrupted
 * archive leaves no half bundle.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { isScalar, parseDocument } from 'yaml';
import { compile, hashFileDirect } from '../compiler/index.ts';
import { compareDiagnostics, type Diagnostic } from '../compiler/diagnostics.ts';
import { toPosix, type Loaded, type PathSeg } from '../compiler/load.ts';
import { hashFile } from '../engine/cache.ts';
import { LOCK_FILE, LockError, lockPathFor, lockProblems, pictureOf, problemDiagnostic, readLock, stableJson, type Lock } from './lock.ts';
import { MANIFEST_FILE, MANIFEST_VERSION, writeManifest, type Manifest } from './manifest.ts';

export interface Relocation {
  /** What moved: "source amb_sea" or "picture lock". */
  what: string;
  from: string;
  to: string;
}

export interface ArchiveReport {
  ok: boolean;
  diagnostics: Diagnostic[];
  out: string;
  /** Files in the bundle (with the manifest). */
  files: number;
  bytes: number;
  relocated: Relocation[];
  /** Number of outputs whose hashes the bundle's lock records. */
  recorded: number;
}

const inside = (rel: string) => rel !== '' && !rel.startsWith('../') && rel !== '..' && !path.isAbsolute(rel);

export async function archiveProject(projectFile: string, out: string, opts: { shown?: string } = {}): Promise<ArchiveReport> {
  const diagnostics: Diagnostic[] = [];
  const fail = (): ArchiveReport => ({ ok: false, diagnostics: diagnostics.sort(compareDiagnostics), out, files: 0, bytes: 0, relocated: [], recorded: 0 });

  const outAbs = path.resolve(out);
  if (fs.existsSync(outAbs) && !(fs.statSync(outAbs).isDirectory() && fs.readdirSync(outAbs).length === 0)) {
    diagnostics.push({ code: 'PA709', severity: 'error', message: `${opts.shown ?? out} already exists; archive writes a new folder`, hint: 'choose a new folder name, or remove the old bundle' });
    return fail();
  }

  // The lock says what the bundle must reproduce: it has to describe these very sources.
  let lock: Lock | undefined;
  try {
    lock = readLock(lockPathFor(projectFile));
  } catch (err) {
    if (!(err instanceof LockError)) throw err;
    diagnostics.push({ code: err.code, severity: 'error', message: err.message, file: LOCK_FILE, ...(err.hint ? { hint: err.hint } : {}) });
    return fail();
  }
  if (!lock) {
    diagnostics.push({ code: 'PA704', severity: 'error', message: `archive needs ${LOCK_FILE}, and there is none`, file: LOCK_FILE, hint: 'run `postaudio build --record` first: it pins the sources and records the deliverables the bundle must reproduce' });
    return fail();
  }
  const compiled = await compile(projectFile, { hashFile: hashFileDirect });
  diagnostics.push(...compiled.diagnostics);
  if (!compiled.ok || !compiled.project || !compiled.loaded) return fail();
  const picture = await pictureOf(compiled, hashFile);
  for (const p of lockProblems(lock, compiled.project, picture)) diagnostics.push(problemDiagnostic(p, 'error', compiled.loaded));
  if (Object.keys(lock.deliverables).length === 0) {
    diagnostics.push({ code: 'PA704', severity: 'warning', message: `${LOCK_FILE} records no deliverables: \`verify\` will have nothing to compare the bundle with`, file: LOCK_FILE, hint: 'run `postaudio build --record` before archiving' });
  }
  if (diagnostics.some((d) => d.severity === 'error')) return fail();

  const loaded = compiled.loaded;
  const project = compiled.project;
  const plan = planLayout(loaded, project.sources, picture);

  const parent = path.dirname(outAbs);
  fs.mkdirSync(parent, { recursive: true });
  const tmp = path.join(parent, `.${path.basename(outAbs)}.partial-${process.pid}-${randomUUID().slice(0, 8)}`);
  fs.mkdirSync(tmp);
  try {
    const files: Manifest['files'] = {};
    const put = (rel: string, data: string | Buffer) => {
      const abs = path.join(tmp, ...rel.split('/'));
      fs.mkdirSync(path.dirname(abs), { recursive: true });
      fs.writeFileSync(abs, data);
    };
    const record = async (rel: string) => {
      const abs = path.join(tmp, ...rel.split('/'));
      files[rel] = { sha256: await hashFile(abs), size: fs.statSync(abs).size };
      return files[rel];
    };

    // YAML: the author's bytes, with relocated paths replaced in place
    for (const f of loaded.files) {
      put(f.rel, rewritePaths(f.text, plan.edits.get(f.abs) ?? []));
      await record(f.rel);
    }
    // sources and picture: copied, then checked against the lock (a file changed while archiving is caught here)
    for (const c of plan.copies) {
      const dest = path.join(tmp, ...c.to.split('/'));
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      fs.copyFileSync(c.from, dest);
      const got = await record(c.to);
      if (got.sha256 !== c.sha256) {
        diagnostics.push({ code: 'PA701', severity: 'error', message: `${c.what} (${toPosix(path.relative(loaded.root, c.from))}) changed while it was being archived`, hint: 'archive again once nothing writes to the media' });
        fs.rmSync(tmp, { recursive: true, force: true });
        return fail();
      }
    }
    const bundleLock: Lock = {
      ...lock,
      sources: Object.fromEntries(Object.keys(lock.sources).sort().map((id) => [id, { ...lock!.sources[id], path: plan.sourcePaths.get(id) ?? lock!.sources[id].path }])),
      picture: lock.picture && picture ? { path: plan.picturePath ?? lock.picture.path, sha256: lock.picture.sha256 } : lock.picture,
    };
    put(LOCK_FILE, stableJson(bundleLock));
    await record(LOCK_FILE);
    const projectRel = loaded.projectFile.rel;
    writeManifest(tmp, { manifestVersion: MANIFEST_VERSION, project: projectRel, format: project.formatVersion, engine: lock.engine, files });

    if (fs.existsSync(outAbs)) fs.rmdirSync(outAbs); // an empty folder (checked above)
    fs.renameSync(tmp, outAbs);
    const bytes = Object.values(files).reduce((a, f) => a + f.size, 0) + fs.statSync(path.join(outAbs, MANIFEST_FILE)).size;
    return { ok: true, diagnostics: diagnostics.sort(compareDiagnostics), out: outAbs, files: Object.keys(files).length + 1, bytes, relocated: plan.relocated, recorded: Object.keys(lock.deliverables).length };
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

interface Edit {
  docPath: PathSeg[];
  value: string;
}

interface Layout {
  copies: { what: string; from: string; to: string; sha256: string }[];
  /** Defining file (absolute) → path edits in it. */
  edits: Map<string, Edit[]>;
  sourcePaths: Map<string, string>;
  picturePath?: string;
  relocated: Relocation[];
}

/** Where every file goes in the bundle, and which YAML values must point somewhere new. */
function planLayout(loaded: Loaded, sources: Map<string, { abs: string; rel: string; sha256: string }>, picture: { abs: string; rel: string; sha256: string } | null): Layout {
  const root = loaded.root;
  const proj = (loaded.value.project ?? {}) as { media_roots?: string[] };
  const mediaRoots = (proj.media_roots ?? []).map((r) => path.resolve(root, r));
  const labels = new Map<string, string>();
  const used = new Set<string>();
  const labelOf = (mediaRoot: string) => {
    let l = labels.get(mediaRoot);
    if (!l) {
      const base = (path.basename(mediaRoot) || 'root').replace(/[^A-Za-z0-9_.-]/g, '_');
      l = base;
      for (let i = 2; used.has(l); i++) l = `${base}-${i}`;
      used.add(l);
      labels.set(mediaRoot, l);
    }
    return l;
  };
  const destOf = (abs: string, rel: string): string => {
    if (inside(rel)) return rel;
    const mr = mediaRoots.find((r) => inside(toPosix(path.relative(r, abs))));
    if (mr) return `media/${labelOf(mr)}/${toPosix(path.relative(mr, abs))}`;
    return `media/${path.basename(abs)}`;
  };

  const layout: Layout = { copies: [], edits: new Map(), sourcePaths: new Map(), relocated: [] };
  const taken = new Map<string, string>(); // bundle path → absolute source
  const edit = (file: string, e: Edit) => layout.edits.set(file, [...(layout.edits.get(file) ?? []), e]);

  for (const id of [...sources.keys()].sort()) {
    const s = sources.get(id)!;
    const to = destOf(s.abs, s.rel);
    layout.sourcePaths.set(id, to);
    if (taken.get(to) === s.abs) continue; // two ids, one file
    if (taken.has(to)) throw new Error(`two different sources would both be archived as ${to}`);
    taken.set(to, s.abs);
    layout.copies.push({ what: `source '${id}'`, from: s.abs, to, sha256: s.sha256 });
    if (to !== s.rel) {
      const file = loaded.definingFile('sources', id);
      const fileRel = toPosix(path.relative(root, file));
      const raw = (loaded.value.sources as Record<string, unknown>)[id];
      const local = loaded.localPath(['sources', id]);
      edit(file, { docPath: typeof raw === 'string' ? local : [...local, 'file'], value: toPosix(path.relative(path.posix.dirname(fileRel), to)) || to });
      layout.relocated.push({ what: `source '${id}'`, from: s.rel, to });
    }
  }
  if (picture) {
    const to = inside(picture.rel) ? picture.rel : `picture/${path.basename(picture.abs)}`;
    layout.picturePath = to;
    if (!taken.has(to)) layout.copies.push({ what: 'the picture lock', from: picture.abs, to, sha256: picture.sha256 });
    if (to !== picture.rel) {
      const p = loaded.value.picture;
      edit(loaded.projectFile.abs, { docPath: typeof p === 'string' ? ['picture'] : ['picture', 'lock'], value: to });
      layout.relocated.push({ what: 'picture lock', from: picture.rel, to });
    }
  }
  return layout;
}

/** Replaces the scalars at `edits` (found through the yaml Document) with new double-quoted values, leaving every other byte alone. */
export function rewritePaths(text: string, edits: Edit[]): string {
  if (edits.length === 0) return text;
  const doc = parseDocument(text);
  const spans: { start: number; end: number; value: string }[] = [];
  for (const e of edits) {
    const node = doc.getIn(e.docPath, true);
    if (!isScalar(node) || !node.range) throw new Error(`cannot rewrite ${e.docPath.join('.')}: not a plain value`);
    spans.push({ start: node.range[0], end: node.range[1], value: JSON.stringify(e.value) });
  }
  spans.sort((a, b) => b.start - a.start);
  let out = text;
  for (const s of spans) out = out.slice(0, s.start) + s.value + out.slice(s.end);
  return out;
}
