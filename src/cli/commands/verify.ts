/** `postaudio verify [PROJECT]`: render from nothing and compare every output with the hashes in postaudio.lock. */
import path from 'node:path';
import { findProjectFile } from '../../compiler/index.ts';
import { verifyProject } from '../../archive/verify.ts';
import { parseJobs } from '../commands.ts';
import { EXIT_OK, EXIT_PROJECT, printDiagnostics, type Io } from '../context.ts';

export interface VerifyFlags {
  jobs?: string;
  json?: boolean;
}

export async function verifyCommand(io: Io, project: string | undefined, opts: VerifyFlags): Promise<number> {
  const jobs = parseJobs(opts.jobs);
  const projectFile = findProjectFile(project, io.cwd);
  const r = await verifyProject(projectFile, { jobs });
  if (opts.json) {
    io.out(JSON.stringify({ ok: r.ok, engine: r.engine, deliverables: r.deliverables, diagnostics: r.diagnostics }, null, 2));
    return r.ok ? EXIT_OK : EXIT_PROJECT;
  }
  const c = io.colors;
  printDiagnostics(io, { ...(r.compile ?? { inputs: [] }), diagnostics: r.diagnostics, ok: r.ok });
  if (r.rendered) {
    const width = Math.max(...r.deliverables.map((d) => d.file.length));
    for (const d of r.deliverables) {
      const h = (x?: string) => (x ? `${x.slice(0, 12)}…` : '—');
      if (d.status === 'ok') io.out(`  ${c.green('ok')}         ${d.file.padEnd(width)}  ${c.dim(h(d.rendered))}`);
      else if (d.status === 'differs') io.out(`  ${c.red('DIFFERS')}    ${d.file.padEnd(width)}  recorded ${h(d.recorded)}, rendered ${h(d.rendered)}`);
      else if (d.status === 'missing') io.out(`  ${c.red('MISSING')}    ${d.file.padEnd(width)}  recorded ${h(d.recorded)}, not rendered`);
      else io.out(`  ${c.dim('unrecorded')} ${d.file.padEnd(width)}  ${c.dim(h(d.rendered))}`);
    }
  }
  const shown = path.relative(io.cwd, projectFile) || projectFile;
  const bad = r.deliverables.filter((d) => d.status === 'differs' || d.status === 'missing').length;
  const recorded = r.deliverables.filter((d) => d.status !== 'unrecorded').length;
  if (r.ok) io.out(`${c.green('verified')}: ${shown} renders all ${recorded} recorded output${recorded === 1 ? '' : 's'} bit for bit (engine ${r.engine.current})`);
  else if (r.rendered) io.out(`${c.red('verify failed')}: ${bad} of ${recorded} recorded output${recorded === 1 ? '' : 's'} differ${r.engine.lock && r.engine.lock !== r.engine.current ? ` (recorded with engine ${r.engine.lock}, this is ${r.engine.current})` : ''}`);
  else io.out(`${c.red('verify failed')}: ${shown} could not be rendered`);
  return r.ok ? EXIT_OK : EXIT_PROJECT;
}
