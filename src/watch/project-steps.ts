/** The real steps of a watch run: the compiler (with the source hash cache) and the engine on a shared runner. */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { compile, type CompileResult } from '../compiler/index.ts';
import { runBuild } from '../engine/build.ts';
import { Cache } from '../engine/cache.ts';
import { HashCache } from '../engine/hash-cache.ts';
import type { Runner } from '../engine/pool.ts';
import type { ProjectInfo } from './events.ts';
import type { WatchSteps } from './loop.ts';

export interface ProjectStepsOptions {
  projectFile: string;
  cacheDir: string;
  outDir: string;
  jobs: number;
  /** One runner (worker pool) for every build of the session; the caller closes it. */
  runner: Runner;
  /** QC failures (deliverables off target) are warnings, not failed nodes. */
  allowQcFail?: boolean;
}

export function projectSteps(o: ProjectStepsOptions): WatchSteps {
  return {
    async compile() {
      const hashes = new HashCache(path.join(o.cacheDir, 'hashes.json'));
      const result = await compile(o.projectFile, { hashFile: hashes.hash });
      if (result.ok) hashes.save();
      return {
        ok: result.ok,
        diagnostics: result.diagnostics,
        plan: result.plan,
        inputs: result.inputs,
        text: (file) => result.loaded?.files.find((f) => f.rel === file)?.text,
        project: projectInfo(result),
      };
    },
    build: ({ plan, signal, trigger, onEvent }) =>
      runBuild(plan, { cacheDir: o.cacheDir, outDir: o.outDir, jobs: o.jobs, onEvent, signal, runner: o.runner, trigger, allowQcFail: o.allowQcFail }),
    clearCache: () => new Cache(o.cacheDir).clear(),
  };
}

/** Header facts from a compile, read defensively: the resolved model grows. */
export function projectInfo(result: CompileResult): ProjectInfo | undefined {
  const p = result.project as
    | { title?: string; master?: { layout?: string; deliverables?: { target?: { name?: string } | null }[] } }
    | undefined;
  const value = result.loaded?.value ?? {};
  const raw = (value.project ?? {}) as { title?: unknown };
  const title = p?.title ?? (typeof raw.title === 'string' ? raw.title : undefined);
  if (!p && title === undefined) return undefined;
  const targets = [...new Set((p?.master?.deliverables ?? []).map((d) => d.target?.name).filter((n): n is string => !!n))];
  return {
    title,
    layout: p?.master?.layout,
    target: targets.length ? targets.join(', ') : undefined,
    pictureLock: result.loaded ? pictureLock(result.loaded.root, value.picture) : undefined,
  };
}

/** The picture lock named by `picture.lock`, with the hash of its bytes when it can be read (a small text file). */
function pictureLock(root: string, picture: unknown): ProjectInfo['pictureLock'] {
  const lock = (picture as { lock?: unknown } | undefined)?.lock;
  if (typeof lock !== 'string' || lock === '') return undefined;
  try {
    return { file: lock, sha256: createHash('sha256').update(fs.readFileSync(path.resolve(root, lock))).digest('hex') };
  } catch {
    return { file: lock };
  }
}
