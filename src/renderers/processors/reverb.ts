/**
 * `reverb` processor: algorithmic (an 8-line FDN, ../dsp/reverb-fdn.ts) or
 * convolution (../dsp/convolver.ts). Params in SI units: seconds for times,
 * dB for the wet and dry levels.
 *
 *   { type: 'algorithmic', decaySec: 1.8, preDelaySec: 0.02, damping: 0.4, size: 1.2, wetDb: -12, dryDb: 0 }
 *   { type: 'convolution', ir: [Float32Array, …], irSampleRate: 48000, preDelaySec: 0.01, wetDb: -12 }
 *
 * Convolution IR: the renderer decodes the IR file (like any source: decode and
 * resample to the project rate) and passes its samples, one Float32Array per
 * IR channel: one channel is applied to every channel of the signal, otherwise
 * there must be one per channel. `irSampleRate` must equal the context's rate
 * (the renderer resamples, the processor never does). The samples are not part
 * of a hashable params object: the plan node should carry the IR source's
 * content key, and the renderer substitutes the decoded samples at create time.
 *
 * `dryDb: null` (the default) mutes the dry signal, as on a reverb return;
 * `wetDb` defaults to 0 dB. Latency is 0; `tail` covers the decay (FDN: pre-delay
 * + longest line + T60; convolution: pre-delay + IR length).
 */
import { createConvolver } from '../dsp/convolver.ts';
import { createFdnReverb, validateFdnReverb } from '../dsp/reverb-fdn.ts';
import type { Processor, ProcessorContext, ProcessorDef } from './types.ts';

interface ReverbLevels {
  /** Level of the reverb, dB. Default 0. */
  wetDb?: number;
  /** Level of the input passed through, dB; null (default) = muted. */
  dryDb?: number | null;
  /** Seconds of silence before the reverb. Default 0. */
  preDelaySec?: number;
}

export interface AlgorithmicReverbParams extends ReverbLevels {
  type: 'algorithmic';
  /** T60 at low frequencies, seconds. */
  decaySec: number;
  /** 0 … 1: 0 = no extra high-frequency decay, 1 = T60 at Nyquist is a tenth of decaySec. Default 0. */
  damping?: number;
  /** 0.5 … 2, scales the delay lengths. Default 1. */
  size?: number;
}

export interface ConvolutionReverbParams extends ReverbLevels {
  type: 'convolution';
  /** Decoded IR, one Float32Array per IR channel, at the context's sample rate. */
  ir: Float32Array[];
  /** Rate of `ir`; must equal the context's rate when given. */
  irSampleRate?: number;
}

export type ReverbProcessorParams = AlgorithmicReverbParams | ConvolutionReverbParams;

const dbToGain = (db: number): number => 10 ** (db / 20);

export function validateReverbParams(params: ReverbProcessorParams, ctx: ProcessorContext): string | null {
  const { wetDb, dryDb, preDelaySec } = params;
  if (wetDb !== undefined && !Number.isFinite(wetDb)) return `reverb: wet level must be a finite number of dB, got ${wetDb}`;
  if (dryDb !== undefined && dryDb !== null && !Number.isFinite(dryDb)) return `reverb: dry level must be a finite number of dB or null, got ${dryDb}`;
  if (preDelaySec !== undefined && !(Number.isFinite(preDelaySec) && preDelaySec >= 0)) return `reverb: pre-delay must be 0 s or more, got ${preDelaySec}`;
  if (params.type === 'algorithmic') return validateFdnReverb(params);
  if (params.type === 'convolution') {
    if (!Array.isArray(params.ir) || params.ir.length === 0 || !params.ir.every((c) => c instanceof Float32Array)) {
      return 'reverb: a convolution reverb needs its IR samples (one Float32Array per IR channel)';
    }
    if (params.ir[0]!.length === 0) return 'reverb: the IR is empty';
    if (params.ir.length !== 1 && params.ir.length !== ctx.channels) {
      return `reverb: the IR has ${params.ir.length} channels for a ${ctx.channels}-channel signal; give a mono IR or one channel per signal channel`;
    }
    if (params.irSampleRate !== undefined && params.irSampleRate !== ctx.sampleRate) {
      return `reverb: the IR is at ${params.irSampleRate} Hz but the signal is at ${ctx.sampleRate} Hz; resample the IR first`;
    }
    return null;
  }
  return `reverb: type must be "algorithmic" or "convolution", got "${String((params as { type?: unknown }).type)}"`;
}

export const reverb: ProcessorDef<ReverbProcessorParams> = {
  name: 'reverb',
  version: 1,
  create(params: ReverbProcessorParams, ctx: ProcessorContext): Processor {
    const problem = validateReverbParams(params, ctx);
    if (problem) throw new RangeError(problem);
    const wet = dbToGain(params.wetDb ?? 0);
    const dry = params.dryDb === undefined || params.dryDb === null ? 0 : dbToGain(params.dryDb);
    const preDelaySec = params.preDelaySec ?? 0;
    if (params.type === 'algorithmic') {
      return createFdnReverb(
        { decaySec: params.decaySec, preDelaySec, damping: params.damping, size: params.size, wet, dry },
        ctx,
      );
    }
    return createConvolver(params.ir, {
      channels: ctx.channels,
      wet,
      dry,
      preDelay: Math.round(preDelaySec * ctx.sampleRate),
    });
  },
};
