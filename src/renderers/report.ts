/**
 * report: the QC report of a build — qc.json for tools, qc.md for people and pull
 * requests, and one loudness plot (SVG) per deliverable — written as a bundle the
 * engine places in the output folder. Failed checks travel with it as diagnostics.
 */
import fs from 'node:fs';
import { readJson } from './inputs.ts';
import { loudnessSvg } from './loudness-plot.ts';
import type { QcResult } from './qc.ts';
import type { Progress, RenderResult, RenderTask } from './types.ts';

export interface Bundle {
  files: Record<string, string>;
  diagnostics: { code: string; severity: 'error' | 'warning'; message: string; node: string }[];
}

const v = (x: number | null, unit: string) => (x === null ? '–' : `${x.toFixed(1)} ${unit}`);
const round = (x: number | null) => (x === null ? null : Math.round(x * 100) / 100);

export function plotName(file: string): string {
  return `${file.replace(/\.wav$/i, '')}.loudness.svg`;
}

export function renderReport(task: RenderTask, progress: Progress): RenderResult {
  const title = (task.node.params as { title: string }).title;
  const results = task.inputs.map((r) => readJson<QcResult>(r));
  const files: Record<string, string> = {};
  const json = {
    title,
    pass: results.every((r) => r.pass),
    deliverables: results.map((r) => ({
      name: r.name,
      file: r.file,
      layout: r.layout,
      target: r.target,
      basis: r.basis,
      measured: Object.fromEntries(Object.entries(r.measured).map(([k, x]) => [k, round(x)])),
      checks: r.checks.map((c) => ({ ...c, value: round(c.value) })),
      pass: r.pass,
    })),
  };
  files['qc.json'] = `${JSON.stringify(json, null, 2)}\n`;
  const md = [
    `# QC — ${title}`,
    '',
    '| deliverable | layout | target | basis | integrated | dialogue | LRA | true peak | result |',
    '|---|---|---|---|---|---|---|---|---|',
    ...results.map((r) =>
      [
        '',
        `${r.name} (${r.file})`,
        r.layout,
        r.target ? `${r.target.name}: ${r.target.integrated} LUFS ±${r.target.tolerance}, ${r.target.truePeak} dBTP${r.target.lraMax !== null ? `, LRA ≤ ${r.target.lraMax}` : ''}` : '–',
        r.basis ?? '–',
        v(r.measured.integrated, 'LUFS'),
        v(r.measured.dialogue, 'LUFS'),
        v(r.measured.lra, 'LU'),
        v(r.measured.truePeak, 'dBTP'),
        r.target ? (r.pass ? 'pass' : `**FAIL**: ${r.checks.filter((c) => !c.pass).map((c) => c.what).join(', ')}`) : 'not checked',
        '',
      ].join(' | ').trim(),
    ),
    '',
    `Loudness per ITU-R BS.1770-4 / EBU R128, loudness range per EBU Tech 3342, true peak per BS.1770-4 Annex 2. The dialogue figure is measured on the dialogue stem with the deliverable's mastering gain, before the limiter.`,
    '',
  ];
  files['qc.md'] = md.join('\n');
  for (const r of results) {
    files[plotName(r.file)] = loudnessSvg(r.series, {
      title: `${title} — ${r.name} (${r.file})`,
      integrated: r.measured.integrated,
      target: r.target ? { integrated: r.target.integrated, tolerance: r.target.tolerance, label: r.target.name } : null,
    });
  }
  const bundle: Bundle = {
    files,
    diagnostics: results.flatMap((r) =>
      r.checks.filter((c) => !c.pass && c.code).map((c) => ({ code: c.code!, severity: 'error' as const, message: c.message!, node: `deliverable:${r.file}` })),
    ),
  };
  fs.writeFileSync(task.outPath, JSON.stringify(bundle));
  progress(1);
  return { frames: 0, channels: 0 };
}
