/**
 * `verify`: render the project from nothing (a scratch cache and a scratch output folder)
 * and compare every output with the SHA-256 recorded in postaudio.lock by the last
 * `build --record`. Nothing in the project folder is written. A bundle made by `archive`
 * is checked against its MANIFEST.json first, so a lost or changed file is named.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compile, hashFileDirect, type CompileResult } from '../compiler/index.ts';
import { compareDiagnostics, type Diagnostic } from '../compiler/diagnostics.ts';
import { toPosix } from '../compiler/load.ts';
import { runBuild } from '../engine/build.ts';
import { hashFile } from '../engine/cache.ts';
import type { EngineEvent, EventSink } from '../engine/events.ts';
import { ENGINE_VERSION } from '../renderers/versions.ts';
import { LOCK_FILE, LockError, lockPathFor, lockProblems, pictureOf, problemDiagnostic, readLock, type Lock } from './lock.ts';
import { MANIFEST_FILE, checkManifest, readManifest } from './manifest.ts';

export type DeliverableStatus = 'ok' | 'differs' | 'missing' | 'unrecorded';

export interface DeliverableCheck {
  /** Output file, relative to the output folder. */
  file: string;
  status: DeliverableStatus;
  recorded?: string;
  rendered?: string;
}

export interface VerifyReport {
  ok: boolean;
  /** Compile, lock, manifest and render problems, sorted. */
  diagnostics: Diagnostic[];
  compile?: CompileResult;
  lock?: Lock;
  /** Every recorded output, then every unrecorded one, by file name. */
  deliverables: DeliverableCheck[];
  /** Whether the project was rendered (false when it could not even be compiled). */
  rendered: boolean;
  engine: { lock: string | null; current: string };
}

export interface VerifyOptions {
  jobs: number;
  /** Engine events of the scratch build (progress for a UI). */
  onEvent?: EventSink;
}

export async function verifyProject(projectFile: string, opts: VerifyOptions): Promise<VerifyReport> {
  const diagnostics: Diagnostic[] = [];
  const report = (extra: Partial<VerifyReport>): VerifyReport => {
    const ds = diagnostics.sort(compareDiagnostics);
    const dels = extra.deliverables ?? [];
    const ok = !ds.some((d) => d.severity === 'error') && dels.every((d) => d.status === 'ok' || d.status === 'unrecorded') && Boolean(extra.rendered);
    return { ok, diagnostics: ds, deliverables: dels, rendered: false, engine: { lock: extra.lock?.engine ?? null, current: ENGINE_VERSION }, ...extra };
  };

  // 1. the lock: it is what we verify against
  let lock: Lock | undefined;
  try {
    lock = readLock(lockPathFor(projectFile));
  } catch (err) {
    if (!(err instanceof LockError)) throw err;
    diagnostics.push({ code: err.code, severity: 'error', message: err.message, file: LOCK_FILE, ...(err.hint ? { hint: err.hint } : {}) });
    return report({});
  }
  if (!lock) {
    diagnostics.push({ code: 'PA704', severity: 'error', message: `there is no ${LOCK_FILE} to verify against`, file: LOCK_FILE, hint: 'run `postaudio build --record` to render and record the deliverables' });
    return report({});
  }
  if (Object.keys(lock.deliverables).length === 0) {
    diagnostics.push({ code: 'PA704', severity: 'error', message: `${LOCK_FILE} records no deliverables: nothing to verify`, file: LOCK_FILE, hint: 'run `postaudio build --record` to record them' });
    return report({ lock });
  }

  // 2. a bundle's manifest: name a lost or changed file before anything else
  const dir = path.dirname(path.resolve(projectFile));
  try {
    const manifest = readManifest(dir);
    if (manifest) for (const p of await checkManifest(dir, manifest)) diagnostics.push({ code: p.code, severity: 'error', message: p.message, file: p.file });
  } catch (err) {
    diagnostics.push({ code: 'PA708', severity: 'error', message: (err as Error).message, file: MANIFEST_FILE });
  }

  // 3. compile, and compare the sources with the lock (strictly: verify is for archives and CI)
  const compiled = await compile(projectFile, { hashFile: hashFileDirect });
  diagnostics.push(...compiled.diagnostics);
  if (!compiled.ok || !compiled.plan || !compiled.project) return report({ compile: compiled, lock });
  const picture = await pictureOf(compiled, hashFile);
  for (const p of lockProblems(lock, compiled.project, picture)) diagnostics.push(problemDiagnostic(p, 'error', compiled.loaded));

  // 4. render from nothing and compare
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'postaudio-verify-'));
  try {
    const outDir = path.join(scratch, 'out');
    const events: EngineEvent[] = [];
    const summary = await runBuild(compiled.plan, {
      cacheDir: path.join(scratch, 'cache'),
      outDir,
      jobs: opts.jobs,
      // QC verdicts follow from the bytes, which are what is compared here
      allowQcFail: true,
      onEvent: (e) => {
        if (e.type === 'node-failed') events.push(e);
        opts.onEvent?.(e);
      },
    });
    for (const e of events) {
      if (e.type === 'node-failed') diagnostics.push({ code: e.code, severity: 'error', message: `${e.id}: ${e.message}`, ...(e.origin ? { file: e.origin.file, line: e.origin.line, col: 1 } : {}) });
    }
    const rendered = new Map(summary.outputs.map((o) => [toPosix(path.relative(outDir, o.path)), o.sha256]));
    const checks: DeliverableCheck[] = [];
    for (const file of Object.keys(lock.deliverables).sort()) {
      const recorded = lock.deliverables[file];
      const got = rendered.get(file);
      checks.push({ file, recorded, ...(got ? { rendered: got } : {}), status: got === undefined ? 'missing' : got === recorded ? 'ok' : 'differs' });
    }
    for (const file of [...rendered.keys()].sort()) {
      if (!(file in lock.deliverables)) checks.push({ file, rendered: rendered.get(file), status: 'unrecorded' });
    }
    return report({ compile: compiled, lock, deliverables: checks, rendered: summary.outputs.length > 0 });
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
