/**
 * deliverable: the mastering chain, then the file.
 *   route to the deliverable's layout → gain to the loudness target → true-peak limiter
 *   (look-ahead, latency compensated) → TPDF dither seeded from the node key → encode
 * The bext chunk comes from the project, never the clock.
 * While encoding, it meters the samples it writes (loudness, LRA, true peak, the 10 Hz series)
 * and leaves the measurement as its side result, so QC need not decode the file again. The
 * written values are on the output grid already (dither quantises; float is written as is),
 * so the meter sees exactly what a reader of the file decodes.
 */
import { WavWriter } from '../io/index.ts';
import { createDither } from './dsp/dither.ts';
import { createTruePeakLimiter, type TruePeakLimiter } from './dsp/limiter.ts';
import { openInput, readJson } from './inputs.ts';
import type { LoudnessAnalysis } from './loudness-analysis.ts';
import { createMeter, writeSideMeasurement } from './measure.ts';
import { createRoute, routedInput, type RouteParams } from './route.ts';
import { ENGINE_VERSION } from './versions.ts';
import { BLOCK, type Progress, type RenderResult, type RenderTask } from './types.ts';

export interface DeliverableParams extends RouteParams {
  sampleRate: number;
  channels: number;
  bits: 16 | 24 | 32;
  float: boolean;
  channelMask: number;
  /** Deliverable length in frames from the project start. */
  length: number;
  target: { integrated: number; truePeak: number } | null;
  limiter: boolean;
  bext: {
    description: string;
    originator: string;
    originatorReference: string;
    originationDate: string;
    originationTime: string;
    timeReference: number;
  };
}

/** The gain (dB) that brings the measured loudness to the target; 0 when there is nothing to measure. */
export function targetGainDb(p: DeliverableParams, analysis: LoudnessAnalysis | null): number {
  if (!p.target || !analysis || analysis.integrated === null) return 0;
  return p.target.integrated - analysis.integrated;
}

export function renderDeliverable(task: RenderTask, progress: Progress, block = BLOCK): RenderResult {
  const p = task.node.params as unknown as DeliverableParams;
  const analysis = task.inputs[1] ? readJson<LoudnessAnalysis>(task.inputs[1]) : null;
  const gain = 10 ** (targetGainDb(p, analysis) / 20);
  const total = p.length;
  // the mix, routed; read ahead on another thread when the runner has one to spare
  const route = { from: p.from, to: p.to, downmix: p.downmix };
  const src = task.readAhead?.(task.inputs[0], route, p.sampleRate, total, block) ?? routedInput(openInput(task.inputs[0], block), createRoute(route, p.sampleRate, block), block);
  const ch = src.channels;
  const limiter: TruePeakLimiter | null = p.limiter && p.target ? createTruePeakLimiter({ sampleRate: p.sampleRate, channels: ch, ceilingDb: p.target.truePeak }) : null;
  const dither = p.float ? null : createDither({ bits: p.bits as 16 | 24, channels: ch, seed: task.node.key });
  const writer = WavWriter.create(task.outPath, {
    sampleRate: p.sampleRate,
    channels: ch,
    bits: p.bits,
    float: p.float,
    channelMask: p.channelMask,
    bext: {
      ...p.bext,
      timeReference: BigInt(p.bext.timeReference),
      codingHistory: `A=${p.float ? 'F' : 'PCM'},F=${p.sampleRate},W=${p.bits},M=${p.to},T=postaudio ${ENGINE_VERSION}${p.target ? ` normalised ${p.target.integrated} LUFS, limited ${p.target.truePeak} dBTP` : ''}\r\n`,
    },
  });
  // only when the written samples are exactly these floats: quantised by the dither, or float
  const meter = task.sidePath && (p.float || dither) ? createMeter({ sampleRate: p.sampleRate, channels: ch, layout: p.to, series: true }) : null;
  const latency = limiter?.latency ?? 0;
  const buf = new Float32Array(Math.max(block, latency) * ch);
  let skip = latency; // the limiter's first `latency` output frames precede the programme
  let written = 0;
  const emit = (b: Float32Array, frames: number) => {
    let off = 0;
    if (skip > 0) {
      off = Math.min(skip, frames);
      skip -= off;
    }
    const n = Math.min(frames - off, total - written);
    if (n <= 0) return;
    const view = b.subarray(off * ch, (off + n) * ch);
    dither?.process(view, n);
    writer.write(view, n);
    meter?.process(view, n);
    written += n;
  };
  try {
    for (let pos = 0; pos < total; pos += block) {
      const n = Math.min(block, total - pos);
      src.read(pos, n, buf);
      if (gain !== 1) for (let k = 0; k < n * ch; k++) buf[k] *= gain;
      limiter?.process(buf, n);
      emit(buf, n);
      progress((pos + n) / total);
    }
    if (limiter) {
      const n = limiter.flush(buf);
      emit(buf, n);
    }
    writer.close();
    if (meter && task.sidePath) writeSideMeasurement(task.sidePath, { sampleRate: p.sampleRate, channels: ch, layout: p.to, frames: written, loudness: meter.result() });
  } finally {
    src.close();
  }
  return { frames: total, channels: ch };
}
