/** The commands: thin wrappers that parse flags, call the library and pick a reporter. */
import os from 'node:os';
import path from 'node:path';
import { explainPlan } from '../engine/explain.ts';
import { runBuild } from '../engine/build.ts';
import type { EngineEvent, EventSink } from '../engine/events.ts';
import { hashFile } from '../engine/cache.ts';
import { jsonReporter } from '../ui/json-reporter.ts';
import { plainReporter } from '../ui/plain-reporter.ts';
import { DiagnosticSink, UsageError } from '../compiler/diagnostics.ts';
import type { CompileResult } from '../compiler/index.ts';
import { laybackAfterBuild } from '../layback/after-build.ts';
import { formatDiagnostic } from '../ui/format-diagnostic.ts';
import { applyLockCheck, recordBuild } from '../archive/build-lock.ts';
import { EXIT_OK, EXIT_PROJECT, compileProject, printDiagnostics, projectPaths, textOf, type DiagnosticFormat, type Io, type ProjectPaths } from './context.ts';

export async function validateCommand(io: Io, project: string | undefined, opts: { format?: string }): Promise<number> {
  const format = (opts.format ?? 'text') as DiagnosticFormat;
  if (!['text', 'json', 'github'].includes(format)) throw new UsageError(`--format must be text, json or github (got ${format})`);
  const paths = projectPaths(project, {}, io.cwd);
  const { result } = await compileProject(paths);
  printDiagnostics(io, result, format);
  if (result.ok && format === 'text') {
    const p = result.plan!;
    io.out(`${io.colors.green('ok')}: ${path.relative(io.cwd, paths.projectFile) || paths.projectFile} is valid (${result.project!.events.length} events, ${p.nodes.length} render nodes)`);
  }
  return result.ok ? EXIT_OK : EXIT_PROJECT;
}

export async function planCommand(io: Io, project: string | undefined, opts: { json?: boolean; cacheDir?: string }): Promise<number> {
  const paths = projectPaths(project, opts, io.cwd);
  const { result } = await compileProject(paths);
  if (opts.json && !result.ok) {
    io.out(JSON.stringify({ ok: false, diagnostics: result.diagnostics }));
    return EXIT_PROJECT;
  }
  if (!opts.json) printDiagnostics(io, result, 'text');
  if (!result.ok) return EXIT_PROJECT;
  const plan = result.plan!;
  const ex = await explainPlan(plan, paths.cacheDir);
  if (opts.json) {
    // one JSON document: the plan, with the compile's warnings
    io.out(JSON.stringify({ ok: true, title: plan.title, diagnostics: result.diagnostics, nodes: plan.nodes.map((n, i) => ({ ...ex[i], inline: Boolean(n.inline), inputs: n.inputs, params: n.params })) }));
    return EXIT_OK;
  }
  const c = io.colors;
  const width = Math.max(...ex.map((e) => e.id.length));
  for (const e of ex) {
    const mark = e.status === 'render' ? c.cyan('render') : c.dim(e.status === 'cached' ? 'cached' : 'unused');
    io.out(`${mark.padEnd(6)} ${e.id.padEnd(width)} ${c.dim(e.key.slice(0, 12))} ${e.status === 'render' ? e.reason : ''}`.trimEnd());
  }
  const n = ex.filter((e) => e.status === 'render').length;
  io.out(`${n} of ${ex.length} nodes will render`);
  return EXIT_OK;
}

export interface BuildFlags {
  out?: string;
  cacheDir?: string;
  jobs?: string;
  reporter?: string;
  verbose?: boolean;
  allowQcFail?: boolean;
  frozen?: boolean;
  record?: boolean;
}

export function parseJobs(v: string | undefined): number {
  if (v === undefined) return Math.max(1, os.availableParallelism());
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new UsageError(`--jobs must be a whole number from 1 to 256 (got ${v})`);
  return n;
}

export async function buildCommand(io: Io, project: string | undefined, opts: BuildFlags): Promise<number> {
  const jobs = parseJobs(opts.jobs);
  const reporter = opts.reporter ?? 'plain';
  if (!['plain', 'json'].includes(reporter)) throw new UsageError(`--reporter must be plain or json (got ${reporter})`);
  const paths = projectPaths(project, opts, io.cwd);
  const { result } = await compileProject(paths);
  await applyLockCheck(result, paths.projectFile, Boolean(opts.frozen));
  const sink: EventSink =
    reporter === 'json' ? jsonReporter(io.out) : plainReporter({ write: io.out, colors: io.colors, cwd: io.cwd, text: textOf(result), verbose: opts.verbose });
  for (const d of result.diagnostics) {
    if (reporter === 'json') sink({ type: 'diagnostic', diagnostic: d });
  }
  if (reporter !== 'json') printDiagnostics(io, result);
  if (!result.ok) {
    if (reporter === 'json') sink({ type: 'summary', ok: false, rendered: 0, cached: 0, failed: 0, outputs: [], seconds: 0 });
    return EXIT_PROJECT;
  }
  // with master.layback, the JSON summary waits for the layback, so it stays the last line and tells its outcome
  const lb = result.project!.master.layback;
  let held: Extract<EngineEvent, { type: 'summary' }> | null = null;
  const onEvent: EventSink = lb && reporter === 'json' ? (e) => (e.type === 'summary' ? void (held = e) : sink(e)) : sink;
  const summary = await runBuild(result.plan!, { cacheDir: paths.cacheDir, outDir: paths.outDir, jobs, onEvent, allowQcFail: opts.allowQcFail });
  if (summary.ok && opts.record) (reporter === 'json' ? io.err : io.out)(await recordBuild(paths.projectFile, result, summary.outputs, paths.outDir));
  let ok = summary.ok;
  if (summary.ok && lb) ok = await runLayback(io, result, paths, summary.outputs, reporter === 'json' ? io.err : io.out, reporter === 'json' ? sink : null);
  if (held) sink({ ...(held as Extract<EngineEvent, { type: 'summary' }>), ok });
  return ok ? EXIT_OK : EXIT_PROJECT;
}

/** `master.layback` after a successful build; false when ffmpeg ran and failed (a missing ffmpeg only warns). */
async function runLayback(io: Io, result: CompileResult, paths: ProjectPaths, outputs: { path: string; sha256: string }[], say: (s: string) => void, json: EventSink | null): Promise<boolean> {
  const lb = result.project!.master.layback!;
  const d = result.project!.master.deliverables.find((x) => x.name === lb.deliverable)!;
  const audioFile = path.join(paths.outDir, d.file);
  const audioSha256 = outputs.find((o) => path.resolve(o.path) === path.resolve(audioFile))?.sha256 ?? (await hashFile(audioFile));
  const r = await laybackAfterBuild(lb, { outDir: paths.outDir, cacheDir: paths.cacheDir, audioFile, audioSha256 });
  if (r.kind === 'skipped' || r.kind === 'failed') {
    const sink = new DiagnosticSink((file, offset) => result.loaded?.lineOf(file, offset));
    if (r.kind === 'skipped') sink.warning('PA610', r.message, lb.loc, r.hint);
    else sink.error('PA611', `layback failed: ${r.message}`, lb.loc, r.hint);
    for (const x of sink.sorted()) {
      if (json) json({ type: 'diagnostic', diagnostic: x });
      else io.err(formatDiagnostic(x, textOf(result), io.colors));
    }
    return r.kind === 'skipped';
  }
  say(`${io.colors.green('layback')} ${path.relative(io.cwd, r.out) || r.out}: ${r.kind === 'written' ? r.detail : `up to date (${r.detail})`}`);
  return true;
}
