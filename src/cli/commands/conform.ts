/**
 * `postaudio conform --from OLD --to NEW [PROJECT] [--json] [--write]`: what a picture
 * change does to the soundtrack, event by event (Markdown for a pull request, JSON for
 * tools); with --write, move timecode events to where their picture went and point
 * picture.lock at NEW.
 */
import path from 'node:path';
import { UsageError } from '../../compiler/diagnostics.ts';
import { HashCache } from '../../engine/hash-cache.ts';
import { conformJson, conformMarkdown } from '../../conform/format.ts';
import { conformProject } from '../../conform/report.ts';
import { WriteError, writeConform, type WriteResult } from '../../conform/write.ts';
import { formatDiagnostic } from '../../ui/format-diagnostic.ts';
import { EXIT_OK, EXIT_PROJECT, projectPaths, type Io } from '../context.ts';

export interface ConformFlags {
  from?: string;
  to?: string;
  json?: boolean;
  write?: boolean;
  cacheDir?: string;
}

export async function conformCommand(io: Io, project: string | undefined, opts: ConformFlags): Promise<number> {
  if (!opts.from || !opts.to) throw new UsageError('conform needs --from OLD and --to NEW (picture lock files: .edl or .otio)');
  const paths = projectPaths(project, opts, io.cwd);
  const from = path.resolve(io.cwd, opts.from);
  const to = path.resolve(io.cwd, opts.to);
  const hashes = new HashCache(path.join(paths.cacheDir, 'hashes.json'));
  const run = await conformProject(paths.projectFile, from, to, { hashFile: hashes.hash });

  const texts = new Map<string, string>();
  for (const r of [run.old, run.new]) for (const f of r.loaded?.files ?? []) texts.set(f.rel, f.text);
  for (const d of run.diagnostics) io.err(formatDiagnostic(d, (f) => texts.get(f), io.colors));
  if (!run.ok || !run.report) {
    const n = run.diagnostics.length;
    io.err(`conform: ${n ? `${n} error${n === 1 ? '' : 's'}; ` : ''}no report`);
    return EXIT_PROJECT;
  }
  hashes.save();

  let written: WriteResult | undefined;
  if (opts.write) {
    try {
      written = writeConform(run.old.loaded!, run.report, to);
    } catch (err) {
      if (!(err instanceof WriteError)) throw err;
      io.err(`conform --write: ${err.message}`);
      return EXIT_PROJECT;
    }
  }

  if (opts.json) io.out(conformJson(run.report, written ? { written } : {}));
  else io.out(conformMarkdown(run.report).trimEnd());

  if (written) {
    const c = io.colors;
    for (const m of written.moved) io.err(`${c.dim(`${m.file}:${m.line}`)} ${m.id}: ${m.from} → ${m.to}`);
    if (written.left.length) io.err(`left in place (their picture is no longer in the cut): ${written.left.join(', ')}`);
    io.err(`${c.green('wrote')} ${written.files.join(', ')}: ${written.moved.length} event${written.moved.length === 1 ? '' : 's'} moved, picture.lock → ${written.lock}`);
  }
  return EXIT_OK;
}
