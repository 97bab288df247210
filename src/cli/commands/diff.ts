/**
 * `postaudio diff [REV_A] [REV_B]`: the semantic diff of two versions of a project, as
 * Markdown (for a pull-request comment) or JSON (for bots); `--audio` also renders both
 * and compares loudness, peaks and where the mixes differ.
 */
import fs from 'node:fs';
import path from 'node:path';
import { compile, hashFileDirect, type CompileResult } from '../../compiler/index.ts';
import { pictureOf } from '../../archive/lock.ts';
import { hashFile } from '../../engine/cache.ts';
import { HashCache } from '../../engine/hash-cache.ts';
import { AudioDiffError, audioDiff, type AudioComparison } from '../../review/audio-diff.ts';
import { diffMarkdown } from '../../review/diff-markdown.ts';
import { makeTmp, openSide, parseSides, type Side } from '../../review/diff-sides.ts';
import { DiffInputError } from '../../review/git-snapshot.ts';
import { semanticDiff } from '../../review/semantic-diff.ts';
import { parseJobs } from '../commands.ts';
import { EXIT_OK, EXIT_PROJECT, printDiagnostics, type Io } from '../context.ts';

export interface DiffFlags {
  project?: string;
  json?: boolean;
  audio?: boolean;
  jobs?: string;
  cacheDir?: string;
}

/** Compiles one side; the user's own files use their hash cache read-only (nothing is written). */
async function compileSide(side: Side): Promise<CompileResult> {
  if (!side.onDisk) return compile(side.projectFile, { hashFile: hashFileDirect });
  const hashes = new HashCache(path.join(path.dirname(side.projectFile), '.postaudio', 'hashes.json'));
  return compile(side.projectFile, { hashFile: hashes.hash });
}

export async function diffCommand(io: Io, args: string[], opts: DiffFlags): Promise<number> {
  const jobs = opts.audio ? parseJobs(opts.jobs) : 1;
  const project = opts.project ?? '.';
  const specs = parseSides(args, project, io.cwd);
  const tmp = makeTmp();
  try {
    // the working tree first: "no project here" is the clearer message when both sides lack it
    const b = await openSide(specs.b, project, io.cwd, tmp);
    const a = await openSide(specs.a, project, io.cwd, tmp);
    const [ra, rb] = await Promise.all([compileSide(a), compileSide(b)]);
    let broken = false;
    for (const [side, r] of [[a, ra], [b, rb]] as const) {
      if (r.ok) continue;
      broken = true;
      io.err(`${side.label}: the project has errors, so it cannot be compared`);
      printDiagnostics(io, r);
    }
    if (broken) return EXIT_PROJECT;

    const [pa, pb] = await Promise.all([pictureOf(ra, hashFile), pictureOf(rb, hashFile)]);
    const d = semanticDiff({ label: a.label, result: ra, picture: pa }, { label: b.label, result: rb, picture: pb });
    let audio: AudioComparison[] | undefined;
    if (opts.audio) {
      const own = [b, a].find((s) => s.onDisk);
      const cacheDir = opts.cacheDir ? path.resolve(io.cwd, opts.cacheDir) : own ? path.join(path.dirname(own.projectFile), '.postaudio') : path.join(tmp, 'cache');
      io.err(`rendering ${a.label} and ${b.label} (cache ${path.relative(io.cwd, cacheDir) || cacheDir})…`);
      audio = await audioDiff(ra, rb, { cacheDir, workDir: path.join(cacheDir, 'diff'), jobs });
    }
    if (opts.json) io.out(JSON.stringify({ ...d, ...(audio ? { audio } : {}) }, null, 2));
    else io.out(diffMarkdown(d, audio).trimEnd());
    return EXIT_OK;
  } catch (err) {
    if (err instanceof DiffInputError || err instanceof AudioDiffError) {
      io.err(`postaudio: ${err.message}`);
      return EXIT_PROJECT;
    }
    throw err;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
