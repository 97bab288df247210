/**
 * Processor chains: the resolved steps of a `process:` or `restore:` list turned into
 * streaming processors, run in order over interleaved blocks. A chain reports its total
 * latency; `runChain` compensates it, so a processed signal stays in sync with the picture.
 */
import { WavReader } from '../io/index.ts';
import type { ProcStep } from '../compiler/resolve-sound.ts';
import { createTruePeakLimiter } from './dsp/limiter.ts';
import { learnNoiseProfile } from './dsp/denoise.ts';
import { compressor } from './processors/compressor.ts';
import { eq } from './processors/eq.ts';
import { declick, denoise, hum } from './processors/restore.ts';
import { reverb } from './processors/reverb.ts';
import type { Processor } from './processors/types.ts';
import { RenderError } from './types.ts';

export interface ChainStage {
  process(buf: Float32Array, frames: number, sidechain?: Float32Array): void;
  latency: number;
}

export interface ChainContext {
  sampleRate: number;
  channels: number;
  /** For denoise: reads `frames` frames of the chain's input from `start` (called with increasing starts). */
  readProfile?: (start: number, frames: number) => Float32Array;
  /** Channels of the side-chain signal, when a compressor has one. */
  sidechainChannels?: number;
  /** Impulse response files by content hash (the plan node's irFiles). */
  irFiles?: Record<string, string>;
}

function readIr(abs: string, label: string): Float32Array[] {
  const r = WavReader.open(abs);
  try {
    const { channels, frames } = r.info;
    const all = new Float32Array(frames * channels);
    r.read(0, frames, all);
    const out: Float32Array[] = [];
    for (let c = 0; c < channels; c++) {
      const ch = new Float32Array(frames);
      for (let i = 0; i < frames; i++) ch[i] = all[i * channels + c];
      out.push(ch);
    }
    return out;
  } catch (err) {
    throw new RenderError('PA301', `${label}: ${(err as Error).message}`);
  } finally {
    r.close();
  }
}

/**
 * The noise-profile range of a denoise step as the steps before it leave it (rumble filtered,
 * hum removed, clicks repaired), so the profile describes the noise denoise actually sees.
 * Those steps run from the start of the signal — their state matters — latency compensated.
 */
function profileAfter(before: ProcStep[], ctx: ChainContext, from: number, to: number): Float32Array {
  const read = ctx.readProfile!;
  if (before.length === 0) return read(from, to - from);
  const ch = ctx.channels;
  const out = new Float32Array((to - from) * ch);
  let pos = 0;
  runChain(before, ctx, to, PROFILE_BLOCK, (start, n, buf) => buf.set(read(start, n)), (buf, n) => {
    const lo = Math.max(pos, from);
    const hi = Math.min(pos + n, to);
    if (hi > lo) out.set(buf.subarray((lo - pos) * ch, (hi - pos) * ch), (lo - from) * ch);
    pos += n;
  });
  return out;
}
const PROFILE_BLOCK = 4096;

/**
 * `before`: the steps that precede this one in its chain (a denoise profile is learned after them).
 * `startFrame`: the signal time of this stage's first input frame (minus the latency of the stages
 * before it), so automation inside a stage stays on the picture.
 */
export function createStage(step: ProcStep, ctx: ChainContext, before: ProcStep[] = [], startFrame = 0): ChainStage {
  const pc = { sampleRate: ctx.sampleRate, channels: ctx.channels };
  const wrap = (p: Processor): ChainStage => ({ process: (b, n) => p.process(b, n), latency: p.latency });
  const params = step.params as Record<string, unknown>;
  switch (step.name) {
    case 'gain': {
      const g = 10 ** ((params.db as number) / 20);
      return { process: (b, n) => { for (let k = 0; k < n * ctx.channels; k++) b[k] *= g; }, latency: 0 };
    }
    case 'eq':
      return wrap(eq.create(params as never, { ...pc, startFrame }));
    case 'compressor': {
      const c = compressor.create({ ...(params as Record<string, unknown>), sidechainChannels: step.sidechain ? ctx.sidechainChannels : 0 } as never, pc);
      return { process: (b, n, sc) => c.process(b, n, step.sidechain ? sc : undefined), latency: 0 };
    }
    case 'limiter': {
      const l = createTruePeakLimiter({ sampleRate: ctx.sampleRate, channels: ctx.channels, ceilingDb: params.ceilingDb as number, releaseSec: params.releaseSec as number });
      return { process: (b, n) => l.process(b, n), latency: l.latency };
    }
    case 'reverb':
      if (step.ir) {
        const abs = ctx.irFiles?.[step.ir.sha256];
        if (!abs) throw new RenderError('PA300', 'impulse response file not found for this node');
        return wrap(reverb.create({ ...params, ir: readIr(abs, abs) } as never, pc));
      }
      return wrap(reverb.create(params as never, pc));
    case 'hum':
      return wrap(hum.create(params as never, pc));
    case 'declick':
      return wrap(declick.create(params as never, pc));
    case 'denoise': {
      const [from, to] = params.profileRange as [number, number];
      if (!ctx.readProfile) throw new RenderError('PA900', 'denoise needs the source to learn its noise profile from');
      const profile = learnNoiseProfile(profileAfter(before, ctx, from, to), to - from, ctx.channels, ctx.sampleRate);
      return wrap(denoise.create({ profile, reductionDb: params.reductionDb as number, sensitivity: params.sensitivity as number }, pc));
    }
  }
}

/**
 * Runs a chain over a stream: `read(start, frames, out)` supplies input (zeros past its end),
 * `emit(block, frames)` receives `total` output frames, latency compensated (the chain is fed
 * `latency` extra frames and its first `latency` output frames are dropped).
 */
export function runChain(
  steps: ProcStep[],
  ctx: ChainContext,
  total: number,
  block: number,
  read: (start: number, frames: number, out: Float32Array) => void,
  emit: (buf: Float32Array, frames: number) => void,
  readSidechain?: (start: number, frames: number, out: Float32Array) => void,
): void {
  const stages: ChainStage[] = [];
  let delay = 0;
  for (let k = 0; k < steps.length; k++) {
    const stage = createStage(steps[k], ctx, steps.slice(0, k), -delay);
    stages.push(stage);
    delay += stage.latency;
  }
  const latency = stages.reduce((n, s) => n + s.latency, 0);
  const ch = ctx.channels;
  const buf = new Float32Array(block * ch);
  const sc = readSidechain ? new Float32Array(block * (ctx.sidechainChannels ?? 1)) : undefined;
  let skip = latency;
  let written = 0;
  for (let pos = 0; written < total; pos += block) {
    const n = block;
    read(pos, n, buf);
    if (readSidechain && sc) readSidechain(pos, n, sc);
    for (const s of stages) s.process(buf, n, sc);
    let off = 0;
    if (skip > 0) {
      off = Math.min(skip, n);
      skip -= off;
    }
    const m = Math.min(n - off, total - written);
    if (m > 0) {
      emit(buf.subarray(off * ch, (off + m) * ch), m);
      written += m;
    }
  }
}
