/** `postaudio lock [PROJECT]`: pin every source's (and the picture lock's) content in postaudio.lock. */
import path from 'node:path';
import { LockError, lockOf, lockPathFor, pictureOf, readLock, stableJson, writeLock, type Lock } from '../../archive/lock.ts';
import { hashFile } from '../../engine/cache.ts';
import { EXIT_OK, EXIT_PROJECT, compileProject, printDiagnostics, projectPaths, type Io } from '../context.ts';

export interface LockFlags {
  cacheDir?: string;
  check?: boolean;
}

/** The part of a lock that `lock` rewrites (recorded outputs are kept only while it is unchanged). */
const pinned = (l: Lock) => stableJson({ sources: l.sources, picture: l.picture, engine: l.engine, format: l.format });

export async function lockCommand(io: Io, project: string | undefined, opts: LockFlags): Promise<number> {
  const paths = projectPaths(project, opts, io.cwd);
  const { result } = await compileProject(paths);
  printDiagnostics(io, result);
  if (!result.ok || !result.project) return EXIT_PROJECT;
  const file = lockPathFor(paths.projectFile);
  const shown = path.relative(io.cwd, file) || file;
  let old: Lock | undefined;
  let damaged: string | undefined;
  try {
    old = readLock(file);
  } catch (err) {
    if (!(err instanceof LockError)) throw err;
    damaged = err.message;
  }
  const picture = await pictureOf(result, hashFile);
  const fresh = lockOf(result.project, picture);
  const same = old !== undefined && pinned(old) === pinned(fresh);
  if (same) fresh.deliverables = old!.deliverables;
  if (same && stableJson(old) === stableJson(fresh)) {
    io.out(`${shown} is up to date (${Object.keys(fresh.sources).length} sources)`);
    return EXIT_OK;
  }
  if (opts.check) {
    io.out(`${shown} is ${old ? 'out of date' : damaged ? 'damaged' : 'missing'}: run postaudio lock`);
    return EXIT_PROJECT;
  }
  writeLock(file, fresh);
  const changes: string[] = [];
  if (old) {
    const ids = new Set([...Object.keys(old.sources), ...Object.keys(fresh.sources)]);
    let added = 0;
    let removed = 0;
    let changed = 0;
    for (const id of ids) {
      const a = old.sources[id];
      const b = fresh.sources[id];
      if (!a) added++;
      else if (!b) removed++;
      else if (a.sha256 !== b.sha256 || a.size !== b.size) changed++;
    }
    if (changed) changes.push(`${changed} changed`);
    if (added) changes.push(`${added} added`);
    if (removed) changes.push(`${removed} removed`);
  }
  const n = Object.keys(fresh.sources).length;
  io.out(`wrote ${shown}: ${n} source${n === 1 ? '' : 's'}${changes.length ? ` (${changes.join(', ')})` : ''}, picture ${fresh.picture ? fresh.picture.path : 'none'}${damaged ? ' (replacing a damaged lock)' : ''}`);
  if (old && !same && Object.keys(old.deliverables).length) io.out(`the recorded outputs no longer apply and were dropped: run postaudio build --record`);
  return EXIT_OK;
}
