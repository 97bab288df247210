/** `postaudio archive OUT [PROJECT]`: a self-contained bundle folder that rebuilds to the recorded hashes. */
import path from 'node:path';
import { UsageError } from '../../compiler/diagnostics.ts';
import { findProjectFile } from '../../compiler/index.ts';
import { archiveProject } from '../../archive/bundle.ts';
import { EXIT_OK, EXIT_PROJECT, printDiagnostics, type Io } from '../context.ts';

export async function archiveCommand(io: Io, out: string | undefined, project: string | undefined): Promise<number> {
  if (!out) throw new UsageError('archive needs the folder to write the bundle to');
  const projectFile = findProjectFile(project, io.cwd);
  const r = await archiveProject(projectFile, path.resolve(io.cwd, out), { shown: out });
  printDiagnostics(io, { diagnostics: r.diagnostics, ok: r.ok, inputs: [] });
  if (!r.ok) return EXIT_PROJECT;
  const shown = path.relative(io.cwd, r.out) || r.out;
  for (const m of r.relocated) io.out(`  ${m.what}: ${m.from} → ${m.to}`);
  io.out(`archived ${path.relative(io.cwd, projectFile) || projectFile} to ${shown}/: ${r.files} files, ${(r.bytes / 1e6).toFixed(1)} MB, ${r.recorded} recorded output${r.recorded === 1 ? '' : 's'}`);
  io.out(`check it anywhere with: postaudio verify ${shown}`);
  return EXIT_OK;
}
