/** `postaudio fmt [PROJECT] [--check]`: rewrite the project's YAML in canonical form, or check that it is. */
import path from 'node:path';
import { UsageError } from '../../compiler/diagnostics.ts';
import { findProjectFile } from '../../compiler/index.ts';
import { formatProject, writeFormatted, type FileFormat } from '../../review/format-project.ts';
import { formatDiagnostic, formatGithub } from '../../ui/format-diagnostic.ts';
import { EXIT_OK, EXIT_PROJECT, type Io } from '../context.ts';

export interface FmtFlags {
  check?: boolean;
  format?: string;
}

export async function fmtCommand(io: Io, project: string | undefined, opts: FmtFlags): Promise<number> {
  const format = opts.format ?? 'text';
  if (!['text', 'github'].includes(format)) throw new UsageError(`--format must be text or github (got ${format})`);
  const projectFile = findProjectFile(project, io.cwd);
  const root = path.dirname(projectFile);
  const shown = (f: FileFormat) => path.relative(io.cwd, f.abs).split(path.sep).join('/') || f.rel;
  const r = formatProject(projectFile);
  const c = io.colors;
  for (const d of r.diagnostics) {
    const atCwd = d.file ? { ...d, file: path.relative(io.cwd, path.join(root, d.file)).split(path.sep).join('/') } : d;
    if (format === 'github') io.out(formatGithub(atCwd));
    else io.err(formatDiagnostic(atCwd, () => undefined, c));
  }
  const unreadable = r.diagnostics.some((d) => d.severity === 'error');
  const changed = r.files.filter((f) => f.changed);

  if (opts.check) {
    for (const f of changed) {
      if (format === 'github') {
        io.out(formatGithub({ code: 'fmt', severity: 'error', message: `${shown(f)} is not in canonical form (first difference on line ${f.line}): run postaudio fmt`, file: shown(f), line: f.line, col: 1 }));
        continue;
      }
      const before = f.before.split('\n')[f.line - 1];
      const after = f.after.split('\n')[f.line - 1];
      io.out(`${c.bold(`${shown(f)}:${f.line}`)}: not in canonical form`);
      if (before !== undefined) io.out(`  ${c.red(`- ${before}`)}`);
      if (after !== undefined) io.out(`  ${c.green(`+ ${after}`)}`);
    }
    if (format === 'text') {
      io.out(changed.length ? `${changed.length} of ${r.files.length} file${r.files.length === 1 ? '' : 's'} not formatted: run postaudio fmt` : `${r.files.length} file${r.files.length === 1 ? '' : 's'} already formatted`);
    }
    return changed.length || unreadable ? EXIT_PROJECT : EXIT_OK;
  }

  const written = writeFormatted(r.files);
  for (const f of written) io.out(`formatted ${shown(f)}`);
  const same = r.files.length - written.length;
  if (same) io.out(c.dim(`${same} file${same === 1 ? '' : 's'} already formatted`));
  return unreadable ? EXIT_PROJECT : EXIT_OK;
}
