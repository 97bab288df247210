/**
 * `postaudio layback [--video REF] [PROJECT] [--deliverable NAME] [--out FILE]`: build the
 * project (incrementally: usually nothing renders), then mux the chosen deliverable onto
 * the picture reference with ffmpeg, copying the video stream untouched. Without the
 * flags, `master.layback` in the project gives the reference, the deliverable and the file.
 */
import path from 'node:path';
import { UsageError } from '../../compiler/diagnostics.ts';
import { runBuild } from '../../engine/build.ts';
import { checkFfmpeg, layback, LaybackError } from '../../layback/layback.ts';
import { plainReporter } from '../../ui/plain-reporter.ts';
import { EXIT_OK, EXIT_PROJECT, compileProject, printDiagnostics, projectPaths, textOf, type Io } from '../context.ts';
import { parseJobs } from '../commands.ts';

export interface LaybackFlags {
  video?: string;
  deliverable?: string;
  out?: string;
  cacheDir?: string;
  jobs?: string;
}

export async function laybackCommand(io: Io, project: string | undefined, opts: LaybackFlags): Promise<number> {
  const jobs = parseJobs(opts.jobs);
  const paths = projectPaths(project, { cacheDir: opts.cacheDir }, io.cwd);
  const fail = (err: LaybackError) => {
    io.err(`postaudio layback: ${io.colors.red(err.message)}`);
    if (err.hint) io.err(`${io.colors.cyan('hint')}: ${err.hint}`);
    return EXIT_PROJECT;
  };
  try {
    await checkFfmpeg();
  } catch (err) {
    if (err instanceof LaybackError) return fail(err);
    throw err;
  }

  const { result } = await compileProject(paths);
  printDiagnostics(io, result);
  if (!result.ok) return EXIT_PROJECT;
  const fromYaml = result.project!.master.layback;
  if (!opts.video && !fromYaml) throw new UsageError('layback needs --video REF (the picture reference, e.g. ref.mov), or master.layback in the project');
  const video = opts.video ? path.resolve(io.cwd, opts.video) : fromYaml!.video;
  const deliverables = result.project!.master.deliverables;
  const wanted = opts.deliverable ?? (opts.video ? undefined : fromYaml!.deliverable);
  const chosen = wanted
    ? deliverables.find((d) => d.name === wanted || d.file === wanted)
    : (deliverables.find((d) => d.layout === 'stereo') ?? deliverables.find((d) => d.layout === '5.1'));
  if (!chosen) {
    const names = deliverables.map((d) => `${d.name} (${d.layout})`).join(', ');
    throw new UsageError(
      opts.deliverable ? `no deliverable '${opts.deliverable}' in the project (${names})` : `no stereo or 5.1 deliverable in the project (${names}); choose one with --deliverable NAME`,
    );
  }

  const summary = await runBuild(result.plan!, {
    cacheDir: paths.cacheDir,
    outDir: paths.outDir,
    jobs,
    onEvent: plainReporter({ write: io.err, colors: io.colors, cwd: io.cwd, text: textOf(result) }),
  });
  if (!summary.ok) return EXIT_PROJECT;

  const audio = path.join(paths.outDir, chosen.file);
  const out = opts.out
    ? path.resolve(io.cwd, opts.out)
    : path.join(paths.outDir, !opts.video && !opts.deliverable ? fromYaml!.file : `${path.basename(video, path.extname(video))}.${chosen.name}.mov`);
  try {
    const r = await layback({ video, audio, out });
    io.out(`${io.colors.green('layback')} ${path.relative(io.cwd, out) || out}: video copied from ${path.relative(io.cwd, video) || video}, audio ${chosen.name} (${chosen.layout}, ${r.channels} ch, ${r.sampleRate} Hz, ${r.audioCodec})`);
    return EXIT_OK;
  } catch (err) {
    if (err instanceof LaybackError) return fail(err);
    throw err;
  }
}
