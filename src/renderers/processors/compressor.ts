/**
 * `compressor` processor: feed-forward, stereo-linked, log-domain smoothing
 * (see ../dsp/compressor.ts). Params in SI units: thresholdDb, kneeDb and
 * makeupDb in dB, ratio dimensionless (≥ 1), attackSec, releaseSec and
 * rmsWindowSec in seconds, detection 'peak' | 'rms'.
 *
 * Side-chain: with `sidechainChannels` > 0 the detector listens to another
 * signal instead of the processed one. The processor's `process` then takes a
 * third argument, the side-chain block (interleaved, `sidechainChannels`
 * channels, the same frames), and throws without it. The renderer chooses the
 * signal (e.g. the dialogue bus for music ducking) and keys the node on it.
 */
import { createCompressor, validateCompressor, type Compressor, type CompressorParams } from '../dsp/compressor.ts';
import type { ProcessorContext, ProcessorDef } from './types.ts';

export interface CompressorProcessorParams extends CompressorParams {
  /** Channels of the side-chain input; 0 or absent = none. */
  sidechainChannels?: number;
}

export function validateCompressorParams(params: CompressorProcessorParams, sampleRate: number): string | null {
  const sc = params.sidechainChannels;
  if (sc !== undefined && !(Number.isInteger(sc) && sc >= 0)) return `compressor: sidechainChannels must be an integer ≥ 0, got ${sc}`;
  return validateCompressor(params, sampleRate);
}

/** A ProcessorDef whose processors also take the side-chain block. */
export interface CompressorDef extends ProcessorDef<CompressorProcessorParams> {
  create(params: CompressorProcessorParams, ctx: ProcessorContext): Compressor;
}

export const compressor: CompressorDef = {
  name: 'compressor',
  version: 1,
  create(params: CompressorProcessorParams, ctx: ProcessorContext): Compressor {
    const problem = validateCompressorParams(params, ctx.sampleRate);
    if (problem) throw new RangeError(problem);
    return createCompressor(params, { ...ctx, sidechainChannels: params.sidechainChannels ?? 0 });
  },
};
