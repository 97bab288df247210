/** Shared CLI plumbing: output streams, colour, exit codes, compile-and-report. */
import path from 'node:path';
import { compile, findProjectFile, type CompileResult } from '../compiler/index.ts';
import type { Diagnostic } from '../compiler/diagnostics.ts';
import { HashCache } from '../engine/hash-cache.ts';
import { ANSI, PLAIN, formatDiagnostic, formatGithub, useColor, type Colors } from '../ui/format-diagnostic.ts';

export const EXIT_OK = 0;
export const EXIT_PROJECT = 1;
export const EXIT_USAGE = 2;

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  cwd: string;
  colors: Colors;
}

export function defaultIo(colorFlag: boolean | undefined): Io {
  const color = colorFlag === false ? false : useColor(process.stdout);
  return {
    out: (s) => process.stdout.write(`${s}\n`),
    err: (s) => process.stderr.write(`${s}\n`),
    cwd: process.cwd(),
    colors: color ? ANSI : PLAIN,
  };
}

export interface ProjectPaths {
  projectFile: string;
  projectDir: string;
  cacheDir: string;
  outDir: string;
}

export function projectPaths(arg: string | undefined, opts: { out?: string; cacheDir?: string }, cwd: string): ProjectPaths {
  const projectFile = findProjectFile(arg, cwd);
  const projectDir = path.dirname(projectFile);
  return {
    projectFile,
    projectDir,
    cacheDir: opts.cacheDir ? path.resolve(cwd, opts.cacheDir) : path.join(projectDir, '.postaudio'),
    outDir: opts.out ? path.resolve(cwd, opts.out) : path.join(projectDir, 'out'),
  };
}

export async function compileProject(paths: ProjectPaths): Promise<{ result: CompileResult; hashes: HashCache }> {
  const hashes = new HashCache(path.join(paths.cacheDir, 'hashes.json'));
  const result = await compile(paths.projectFile, { hashFile: hashes.hash });
  if (result.ok) hashes.save();
  return { result, hashes };
}

export function textOf(result: CompileResult): (file: string) => string | undefined {
  return (file) => result.loaded?.files.find((f) => f.rel === file)?.text;
}

export type DiagnosticFormat = 'text' | 'json' | 'github';

export function printDiagnostics(io: Io, result: CompileResult, format: DiagnosticFormat = 'text'): void {
  const ds: Diagnostic[] = result.diagnostics;
  if (format === 'json') {
    io.out(JSON.stringify({ ok: result.ok, diagnostics: ds }));
    return;
  }
  for (const d of ds) {
    // GitHub resolves annotation paths against the checkout (the working directory), not the project folder
    if (format === 'github') io.out(formatGithub(d.file && result.loaded ? { ...d, file: path.relative(io.cwd, path.join(result.loaded.root, d.file)).split(path.sep).join('/') } : d));
    else io.err(formatDiagnostic(d, textOf(result), io.colors));
  }
  if (format === 'text' && ds.length) {
    const errors = ds.filter((d) => d.severity === 'error').length;
    const warnings = ds.length - errors;
    io.err(`${errors} error${errors === 1 ? '' : 's'}${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}`);
  }
}
