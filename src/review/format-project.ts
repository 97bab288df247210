/**
 * `fmt` over a whole project: the project file and every file it includes, found by
 * the compiler's loader (so the set of files is exactly what a build reads).
 */
import fs from 'node:fs';
import { DiagnosticSink, type Diagnostic } from '../compiler/diagnostics.ts';
import { load } from '../compiler/load.ts';
import { writeAtomic } from '../engine/cache.ts';
import { firstDifferentLine, formatYaml } from './fmt.ts';
import { SchemaWalk } from './schema-walk.ts';

export interface FileFormat {
  /** Path relative to the project folder (posix). */
  rel: string;
  abs: string;
  before: string;
  after: string;
  changed: boolean;
  /** 1-based line of the first difference (0 when unchanged). */
  line: number;
}

export interface ProjectFormat {
  files: FileFormat[];
  /** Files that could not be read or parsed: reported, never rewritten. */
  diagnostics: Diagnostic[];
}

/** Formats every YAML file of a project in memory. */
export function formatProject(projectFile: string): ProjectFormat {
  const sink = new DiagnosticSink();
  const loaded = load(projectFile, { sink });
  const diagnostics = sink.sorted().filter((d) => d.code === 'PA100' || d.code === 'PA101' || d.code === 'PA111');
  const files: FileFormat[] = [];
  if (!loaded) return { files, diagnostics };
  const walk = new SchemaWalk();
  for (const f of loaded.files) {
    if (f.doc.errors.length > 0) continue; // reported as PA101 above
    const r = formatYaml(f.text, walk);
    files.push({ rel: f.rel, abs: f.abs, before: f.text, after: r.text, changed: r.text !== f.text, line: firstDifferentLine(f.text, r.text) });
  }
  files.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  return { files, diagnostics };
}

/** Writes the files that changed (atomically), unless a file changed on disk since it was read. */
export function writeFormatted(files: FileFormat[]): FileFormat[] {
  const written: FileFormat[] = [];
  for (const f of files) {
    if (!f.changed) continue;
    if (fs.readFileSync(f.abs, 'utf8') !== f.before) throw new Error(`${f.rel} changed while it was being formatted; run fmt again`);
    writeAtomic(f.abs, f.after);
    written.push(f);
  }
  return written;
}
