/**
 * loudness: measure the signal a deliverable is mastered against (the programme, or the
 * dialogue stem) in the deliverable's layout. The result is a small JSON object; the
 * deliverable reads it to compute its gain to the target.
 */
import fs from 'node:fs';
import { openInput } from './inputs.ts';
import { measureReader } from './measure.ts';
import { createRoute, routedInput, type RouteParams } from './route.ts';
import { BLOCK, type Progress, type RenderResult, type RenderTask } from './types.ts';

export interface LoudnessAnalysis {
  integrated: number | null;
  lra: number | null;
  truePeak: number | null;
  momentaryMax: number | null;
  shortTermMax: number | null;
}

export function renderLoudness(task: RenderTask, progress: Progress, block = BLOCK): RenderResult {
  const p = task.node.params as unknown as RouteParams & { sampleRate: number };
  const route = { from: p.from, to: p.to, downmix: p.downmix };
  const local = routedInput(openInput(task.inputs[0], block), createRoute(route, p.sampleRate, block), block);
  // read ahead on another thread when the runner has one to spare (the same samples)
  const ahead = task.readAhead?.(task.inputs[0], route, p.sampleRate, local.frames, block) ?? null;
  if (ahead) local.close();
  const reader = ahead ?? local;
  try {
    const l = measureReader(reader, { sampleRate: p.sampleRate, layout: p.to, block }).loudness;
    const out: LoudnessAnalysis = { integrated: l.integrated, lra: l.lra, truePeak: l.truePeak, momentaryMax: l.momentaryMax, shortTermMax: l.shortTermMax };
    fs.writeFileSync(task.outPath, `${JSON.stringify(out)}\n`);
    progress(1);
  } finally {
    reader.close();
  }
  return { frames: reader.frames, channels: reader.channels };
}
