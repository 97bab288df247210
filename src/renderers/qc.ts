/**
 * qc: measure a written deliverable and check it against its target: integrated loudness
 * on the target's basis, true-peak ceiling, loudness range. The result (with a 10 Hz
 * loudness series for the plot) is a small JSON object the report collects.
 * The measurement is the deliverable's side result (it metered the samples it wrote) when
 * its cache entry has a usable one; otherwise QC decodes and meters the file itself.
 */
import fs from 'node:fs';
import type { ResolvedTarget } from '../compiler/targets.ts';
import type { LoudnessSeriesPoint } from './dsp/loudness.ts';
import type { LayoutName } from './dsp/layouts.ts';
import { openInput, readJson } from './inputs.ts';
import type { LoudnessAnalysis } from './loudness-analysis.ts';
import { measureReader, readSideMeasurement } from './measure.ts';
import { BLOCK, type Progress, type RenderResult, type RenderTask } from './types.ts';

export interface QcCheck {
  what: 'integrated' | 'true_peak' | 'lra';
  value: number | null;
  limit: string;
  pass: boolean;
  code?: string;
  message?: string;
}

export interface QcResult {
  name: string;
  file: string;
  layout: LayoutName;
  target: ResolvedTarget | null;
  basis: 'program' | 'dialogue' | null;
  measured: {
    integrated: number | null;
    dialogue: number | null;
    lra: number | null;
    truePeak: number | null;
    samplePeak: number | null;
    momentaryMax: number | null;
    shortTermMax: number | null;
  };
  checks: QcCheck[];
  pass: boolean;
  series: LoudnessSeriesPoint[];
}

const f2 = (v: number) => v.toFixed(2);

/** Decodes and meters the deliverable (no side result, e.g. an entry from before side results). */
function measureFile(task: RenderTask, p: { layout: LayoutName; sampleRate: number }, block: number) {
  const r = openInput(task.inputs[0], block);
  try {
    return measureReader(r, { sampleRate: p.sampleRate, layout: p.layout, series: true, block }).loudness;
  } finally {
    r.close();
  }
}

export function renderQc(task: RenderTask, progress: Progress, block = BLOCK): RenderResult {
  const p = task.node.params as unknown as { name: string; file: string; layout: LayoutName; sampleRate: number; target: ResolvedTarget | null; frames: number; channels: number };
  const analysis = task.inputs[1] ? readJson<LoudnessAnalysis>(task.inputs[1]) : null;
  const side = readSideMeasurement(task.inputSides?.[0], { sampleRate: p.sampleRate, channels: p.channels, layout: p.layout, frames: p.frames, series: true });
  const m = side ? side.loudness : measureFile(task, p, block);
  progress(1);
  const t = p.target;
  // Dialogue basis: the dialogue stem carries exactly the deliverable's mastering gain.
  const dialogue = t?.basis === 'dialogue' && analysis?.integrated != null ? t.integrated : null;
  const checks: QcCheck[] = [];
  if (t) {
    const value = t.basis === 'dialogue' ? dialogue : m.integrated;
    const off = value === null ? null : value - t.integrated;
    const pass = off !== null && Math.abs(off) <= t.tolerance + 1e-9;
    checks.push({
      what: 'integrated',
      value,
      limit: `${t.integrated} LUFS ±${t.tolerance} LU (${t.basis})`,
      pass,
      ...(pass
        ? {}
        : value === null
          ? { code: 'PA504', message: `${p.file}: nothing to measure on the ${t.basis} basis (silence below the gate)` }
          : { code: 'PA501', message: `${p.file}: integrated loudness ${f2(value)} LUFS (${t.basis}) is ${f2(Math.abs(off!))} LU ${off! < 0 ? 'below' : 'above'} the target ${t.integrated} LUFS ±${t.tolerance} LU` }),
    });
    const tp = m.truePeak;
    const tpPass = tp === null || tp <= t.truePeak + 0.005;
    checks.push({
      what: 'true_peak',
      value: tp,
      limit: `≤ ${t.truePeak} dBTP`,
      pass: tpPass,
      ...(tpPass ? {} : { code: 'PA502', message: `${p.file}: true peak ${f2(tp!)} dBTP is ${f2(tp! - t.truePeak)} dB over the ${t.truePeak} dBTP ceiling` }),
    });
    if (t.lraMax !== null) {
      const lraPass = m.lra === null || m.lra <= t.lraMax;
      checks.push({
        what: 'lra',
        value: m.lra,
        limit: `≤ ${t.lraMax} LU`,
        pass: lraPass,
        ...(lraPass ? {} : { code: 'PA503', message: `${p.file}: loudness range ${f2(m.lra!)} LU is ${f2(m.lra! - t.lraMax)} LU over the ${t.lraMax} LU maximum` }),
      });
    }
  }
  const result: QcResult = {
    name: p.name,
    file: p.file,
    layout: p.layout,
    target: t,
    basis: t?.basis ?? null,
    measured: { integrated: m.integrated, dialogue, lra: m.lra, truePeak: m.truePeak, samplePeak: m.samplePeak, momentaryMax: m.momentaryMax, shortTermMax: m.shortTermMax },
    checks,
    pass: checks.every((c) => c.pass),
    series: m.series ?? [],
  };
  fs.writeFileSync(task.outPath, `${JSON.stringify(result)}\n`);
  return { frames: m.frames, channels: 0 };
}
