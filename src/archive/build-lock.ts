/**
 * The lock as seen by `build`: before rendering, every source is checked against
 * postaudio.lock (a warning, or an error with --frozen, for CI and archives); after a
 * successful `build --record`, the lock is rewritten with the sources just built from
 * and the SHA-256 of every output.
 */
import path from 'node:path';
import type { CompileResult } from '../compiler/index.ts';
import { compareDiagnostics, type Diagnostic } from '../compiler/diagnostics.ts';
import { toPosix } from '../compiler/load.ts';
import { hashFile } from '../engine/cache.ts';
import type { OutputRecord } from '../engine/events.ts';
import { LOCK_FILE, LockError, lockOf, lockPathFor, lockProblems, pictureOf, problemDiagnostic, readLock, writeLock } from './lock.ts';

/**
 * Adds the lock's diagnostics to a successful compile. Without a lock nothing is said
 * (unless frozen: then the missing lock is the error). A frozen build fails on any mismatch.
 */
export async function applyLockCheck(result: CompileResult, projectFile: string, frozen: boolean): Promise<void> {
  if (!result.ok || !result.project) return;
  const add = (ds: Diagnostic[]) => {
    if (ds.length === 0) return;
    result.diagnostics = [...result.diagnostics, ...ds].sort(compareDiagnostics);
    if (ds.some((d) => d.severity === 'error')) result.ok = false;
  };
  let lock;
  try {
    lock = readLock(lockPathFor(projectFile));
  } catch (err) {
    if (!(err instanceof LockError)) throw err;
    add([{ code: err.code, severity: frozen ? 'error' : 'warning', message: err.message, file: LOCK_FILE, ...(err.hint ? { hint: err.hint } : {}) }]);
    return;
  }
  if (!lock) {
    if (frozen) add([{ code: 'PA704', severity: 'error', message: `--frozen needs ${LOCK_FILE}, and there is none`, file: LOCK_FILE, hint: 'run `postaudio lock` (or `postaudio build --record`) and commit the lock' }]);
    return;
  }
  const picture = await pictureOf(result, hashFile);
  add(lockProblems(lock, result.project, picture).map((p) => problemDiagnostic(p, frozen ? 'error' : 'warning', result.loaded)));
}

/** Writes the lock of a successful build: its sources and picture, and every output's SHA-256. Returns a one-line report. */
export async function recordBuild(projectFile: string, result: CompileResult, outputs: OutputRecord[], outDir: string): Promise<string> {
  const deliverables: Record<string, string> = {};
  for (const o of outputs) deliverables[toPosix(path.relative(outDir, o.path))] = o.sha256;
  const picture = await pictureOf(result, hashFile);
  const file = lockPathFor(projectFile);
  writeLock(file, lockOf(result.project!, picture, deliverables));
  const n = Object.keys(deliverables).length;
  return `recorded ${n} output${n === 1 ? '' : 's'} and ${result.project!.sources.size} source${result.project!.sources.size === 1 ? '' : 's'} in ${LOCK_FILE}`;
}
