/**
 * `postaudio cuesheet [PROJECT]`: the music cue sheet a production's music department
 * submits — cue number, title, composers and publishers (role, share, PRO), usage,
 * timecode in and out, duration — as CSV and Markdown.
 */
import path from 'node:path';
import type { ResolvedLicense } from '../../compiler/resolve-licenses.ts';
import type { ResolvedProject } from '../../compiler/model.ts';
import { samplesToTimecode } from '../../compiler/timecode.ts';
import { writeAtomic } from '../../engine/cache.ts';
import { EXIT_OK, EXIT_PROJECT, compileProject, printDiagnostics, projectPaths, type Io } from '../context.ts';

export interface CueRow {
  cue: string;
  title: string;
  composers: string;
  publishers: string;
  pro: string;
  usage: string;
  tcIn: string;
  tcOut: string;
  duration: string;
}

const people = (ps: ResolvedLicense['composers']) => ps.map((x) => `${x.name}${x.role ? ` (${x.role})` : ''}${x.share ? ` ${x.share}` : ''}`).join('; ');

export function cueRows(p: ResolvedProject): CueRow[] {
  const tc = (n: number) => samplesToTimecode(n + p.startSamples, p.frameRate, p.sampleRate);
  return p.events
    .filter((e) => e.list === 'music')
    .sort((a, b) => a.start - b.start || (a.id < b.id ? -1 : 1))
    .map((e) => {
      const l = e.license ? p.licenses.get(e.license) : undefined;
      const frames = e.out - e.in;
      const secs = Math.round(frames / p.sampleRate);
      return {
        cue: e.id,
        title: l?.title ?? '(unlicensed)',
        composers: l ? people(l.composers) : '',
        publishers: l ? people(l.publishers) : '',
        pro: l ? [...new Set([...l.composers, ...l.publishers].map((x) => x.pro).filter(Boolean))].join('; ') : '',
        usage: e.usage ?? l?.usage ?? '',
        tcIn: tc(e.start),
        tcOut: tc(e.start + frames),
        duration: `${Math.floor(secs / 60)}:${String(secs % 60).padStart(2, '0')}`,
      };
    });
}

const COLUMNS: [keyof CueRow, string][] = [
  ['cue', 'Cue'],
  ['title', 'Title'],
  ['composers', 'Composers'],
  ['publishers', 'Publishers'],
  ['pro', 'PRO'],
  ['usage', 'Usage'],
  ['tcIn', 'TC In'],
  ['tcOut', 'TC Out'],
  ['duration', 'Duration'],
];

export function cueSheetCsv(rows: CueRow[]): string {
  const q = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return `${[COLUMNS.map((c) => c[1]).join(','), ...rows.map((r) => COLUMNS.map(([k]) => q(r[k])).join(','))].join('\r\n')}\r\n`;
}

export function cueSheetMarkdown(p: ResolvedProject, rows: CueRow[]): string {
  const total = p.events.filter((e) => e.list === 'music').reduce((n, e) => n + (e.out - e.in), 0);
  const secs = Math.round(total / p.sampleRate);
  return [
    `# Music cue sheet — ${p.title}`,
    '',
    `Production: ${p.production ?? '–'} · Release: ${p.release ?? '–'} · Total music: ${Math.floor(secs / 60)}:${String(secs % 60).padStart(2, '0')}`,
    '',
    `| ${COLUMNS.map((c) => c[1]).join(' | ')} |`,
    `|${COLUMNS.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${COLUMNS.map(([k]) => r[k].replace(/\|/g, '\\|')).join(' | ')} |`),
    '',
  ].join('\n');
}

export async function cuesheetCommand(io: Io, project: string | undefined, opts: { out?: string }): Promise<number> {
  const paths = projectPaths(project, opts, io.cwd);
  const { result } = await compileProject(paths);
  printDiagnostics(io, result);
  if (!result.ok) return EXIT_PROJECT;
  const p = result.project!;
  const rows = cueRows(p);
  const csv = path.join(paths.outDir, 'cuesheet.csv');
  const md = path.join(paths.outDir, 'cuesheet.md');
  writeAtomic(csv, cueSheetCsv(rows));
  writeAtomic(md, cueSheetMarkdown(p, rows));
  io.out(`${rows.length} cue${rows.length === 1 ? '' : 's'}: ${path.relative(io.cwd, csv)}, ${path.relative(io.cwd, md)}`);
  return EXIT_OK;
}
