/**
 * Restoration processors for a source's `restore:` chain: hum, declick,
 * denoise. Params are resolved numbers in SI units (Hz, s, dB where named).
 *
 * Latency convention (one rule for every processor): a processor never delays
 * or pads internally beyond its own look-ahead. It reports `latency` (frames)
 * and the CALLER compensates: it discards the first `latency` output frames
 * and, after the last input frame, feeds `latency` frames of silence so that
 * the final input frames come out. Output frame i then lines up with input
 * frame i. `runProcessorOffline` does exactly that for a whole signal and is
 * what the source renderer uses.
 */
import type { Processor, ProcessorContext, ProcessorDef } from './types.ts';
import { createHumRemover } from '../dsp/hum.ts';
import { createDeclicker } from '../dsp/declick.ts';
import { createDenoiser, type DenoiseSmoothing, type NoiseProfile } from '../dsp/denoise.ts';

export type { NoiseProfile } from '../dsp/denoise.ts';

export interface HumParams {
  /** Mains frequency, Hz (50 or 60). */
  fundamental: number;
  /** Harmonics removed, the fundamental included (default 8). */
  harmonics?: number;
  /** Harmonics above this frequency (Hz) are left alone (default 0.45·f_s). */
  maxFrequency?: number;
  /** −3 dB width of each notch, Hz (default 4). */
  bandwidth?: number;
  /** Fraction of the hum removed, 0…1 (default 1). */
  depth?: number;
}

export interface DeclickParams {
  /** 0…1 (default 0.5); higher finds smaller clicks. */
  sensitivity?: number;
  /** Longest click repaired, s (default 0.001). */
  maxClickLength?: number;
  /** AR model order (default 20). */
  order?: number;
}

export interface DenoiseParams {
  /** Learned by the caller (learnNoiseProfile) from the source's noise-only time range. */
  profile: NoiseProfile;
  /** Attenuation of noise-only bins, dB (default 12). */
  reductionDb?: number;
  /** Threshold above the noise profile, dB (default 6). */
  sensitivity?: number;
  /** Smoothing of the gain decision: time constant (s) and width (Hz). */
  smoothing?: DenoiseSmoothing;
}

export const hum: ProcessorDef<HumParams> = {
  name: 'hum',
  version: 1,
  create(params: HumParams, ctx: ProcessorContext): Processor {
    return createHumRemover({ ...params, sampleRate: ctx.sampleRate, channels: ctx.channels });
  },
};

export const declick: ProcessorDef<DeclickParams> = {
  name: 'declick',
  version: 1,
  create(params: DeclickParams, ctx: ProcessorContext): Processor {
    return createDeclicker({ ...params, sampleRate: ctx.sampleRate, channels: ctx.channels });
  },
};

export const denoise: ProcessorDef<DenoiseParams> = {
  name: 'denoise',
  version: 1,
  create(params: DenoiseParams, ctx: ProcessorContext): Processor {
    return createDenoiser({ ...params, sampleRate: ctx.sampleRate, channels: ctx.channels });
  },
};

/** The restoration processors by name. */
export const RESTORE_PROCESSORS = Object.freeze({ hum, declick, denoise });

/** Frames per `process` call in runProcessorOffline. */
const OFFLINE_BLOCK = 65536;

/**
 * Runs `proc` over a whole interleaved signal and returns its
 * latency-compensated output, `frames` frames long (a new array; the input is
 * untouched): the signal is followed by `proc.latency` frames of silence, and
 * the first `proc.latency` output frames are dropped. Tails (`proc.tail`)
 * beyond the input's length are not returned. Output is identical for any
 * processor whose output is independent of block size.
 */
export function runProcessorOffline(proc: Processor, input: Float32Array, frames: number, channels: number): Float32Array {
  if (!Number.isInteger(frames) || frames < 0) throw new RangeError(`runProcessorOffline: frames must be a non-negative integer (got ${frames})`);
  if (!Number.isInteger(channels) || channels < 1) throw new RangeError(`runProcessorOffline: channels must be a positive integer (got ${channels})`);
  if (frames * channels > input.length) {
    throw new RangeError(`runProcessorOffline: ${frames} frames of ${channels} channels exceed ${input.length} samples`);
  }
  const L = proc.latency;
  if (!Number.isInteger(L) || L < 0) throw new RangeError(`runProcessorOffline: invalid processor latency ${L}`);
  const total = frames + L;
  const work = new Float32Array(total * channels);
  work.set(input.subarray(0, frames * channels));
  for (let f = 0; f < total; f += OFFLINE_BLOCK) {
    const n = Math.min(OFFLINE_BLOCK, total - f);
    proc.process(work.subarray(f * channels, (f + n) * channels), n);
  }
  return work.slice(L * channels, total * channels);
}
