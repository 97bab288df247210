/**
 * `eq` processor: a multi-band parametric EQ (RBJ cookbook sections, see
 * ../dsp/eq.ts). Params in SI units: each band's `freq` in Hz, `gainDb` in dB,
 * `q` dimensionless, `slope` in dB/octave (highpass/lowpass: 12, 24, 36, 48),
 * `shelfSlope` the cookbook's S (shelves).
 *
 *   { bands: [ { type: 'highpass', freq: 80, slope: 24 },
 *              { type: 'peaking', freq: 3000, q: 1.4, gainDb: -3 } ] }
 */
import { createEq, validateBand, type EqBand } from '../dsp/eq.ts';
import type { Breakpoint } from '../dsp/envelope.ts';
import type { Processor, ProcessorContext, ProcessorDef } from './types.ts';

export interface EqProcessorParams {
  bands: EqBand[];
  /** Band gain automation: dB breakpoints per band index, times from the chain's frame 0. */
  automation?: { band: number; points: Breakpoint[] }[];
}

/** Problems with the params at `sampleRate`, one message per bad band (empty if none). */
export function validateEqParams(params: EqProcessorParams, sampleRate: number): string[] {
  if (!Array.isArray(params.bands)) return ['eq: `bands` must be a list'];
  const out: string[] = [];
  params.bands.forEach((band, i) => {
    const problem = validateBand(band, sampleRate);
    if (problem) out.push(`eq band ${i + 1}: ${problem}`);
  });
  return out;
}

export const eq: ProcessorDef<EqProcessorParams> = {
  name: 'eq',
  version: 1,
  create(params: EqProcessorParams, ctx: ProcessorContext): Processor {
    const problems = validateEqParams(params, ctx.sampleRate);
    if (problems.length > 0) throw new RangeError(problems.join('; '));
    return createEq(params.bands, { sampleRate: ctx.sampleRate, channels: ctx.channels, automation: params.automation, startFrame: ctx.startFrame });
  },
};
