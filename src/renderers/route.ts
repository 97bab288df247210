/**
 * Routing a mix to a deliverable's layout: identity, a downmix matrix (ITU-R BS.775
 * Lo/Ro and the fold-down chain 7.1 → 5.1 → LCR → stereo → mono), or a 5.1/7.1 → Lt/Rt
 * matrix-surround encode. Streaming and allocation-free per block.
 */
import { applyMatrix, createLtRtEncoder, downmixMatrix } from './dsp/downmix.ts';
import { LAYOUTS, type LayoutName } from './dsp/layouts.ts';
import type { BlockReader } from './inputs.ts';

export interface RouteParams {
  from: LayoutName;
  to: LayoutName;
  downmix: 'loro' | 'ltrt';
}

export interface Route {
  inChannels: number;
  outChannels: number;
  /** Writes `frames` frames of the routed signal into `output` (never in place). */
  process(input: Float32Array, output: Float32Array, frames: number): void;
  /** The identity matrix (same layout): a reader may route in place (identityInPlace). */
  identity?: boolean;
}

export function createRoute(p: RouteParams, sampleRate: number, maxBlock: number): Route {
  const inCh = LAYOUTS[p.from].channels;
  const outCh = LAYOUTS[p.to].channels;
  if (p.downmix === 'ltrt' && p.to === 'stereo' && (p.from === '5.1' || p.from === '7.1')) {
    const enc = createLtRtEncoder({ sampleRate });
    const to51 = p.from === '7.1' ? downmixMatrix('7.1', '5.1') : null;
    const mid = to51 ? new Float32Array(maxBlock * 6) : null;
    return {
      inChannels: inCh,
      outChannels: 2,
      process(input, output, frames) {
        if (to51 && mid) {
          applyMatrix(input, 8, mid, 6, to51, frames);
          enc.process(mid, output, frames);
        } else enc.process(input, output, frames);
      },
    };
  }
  const m = downmixMatrix(p.from, p.to);
  return {
    inChannels: inCh,
    outChannels: outCh,
    identity: p.from === p.to,
    process: (input, output, frames) => applyMatrix(input, inCh, output, outCh, m, frames),
  };
}

/**
 * The identity route in place, with exactly the identity matrix's result: every output is
 * 0 + Σ_i m_oi·x_i = x_o + 0 (a −0 becomes +0) as long as every sample of the frame is finite;
 * a non-finite sample spreads NaN through the matrix products (0·∞), so such a block goes
 * through the matrix itself. Returns false when the block holds a non-finite sample (and
 * then leaves it as it was, apart from zeros' signs).
 */
function identityInPlace(buf: Float32Array, n: number): boolean {
  let finite = true;
  for (let k = 0; k < n; k++) {
    const y = buf[k]! + 0;
    if (y - y !== 0) finite = false;
    buf[k] = y;
  }
  return finite;
}

/** A reader that routes another reader's frames through a route. */
export function routedInput(src: BlockReader, route: Route, maxBlock: number): BlockReader {
  let scratch = new Float32Array(maxBlock * src.channels);
  return {
    channels: route.outChannels,
    frames: src.frames,
    read(start, frames, out) {
      if (route.identity) {
        // same layout: no copy, unless a non-finite sample needs the matrix's exact result
        src.read(start, frames, out);
        if (identityInPlace(out, frames * src.channels)) return;
        if (scratch.length < frames * src.channels) scratch = new Float32Array(frames * src.channels);
        scratch.set(out.subarray(0, frames * src.channels));
        route.process(scratch, out, frames);
        return;
      }
      if (scratch.length < frames * src.channels) scratch = new Float32Array(frames * src.channels);
      src.read(start, frames, scratch);
      route.process(scratch, out, frames);
    },
    live: () => src.live(),
    close: () => src.close(),
  };
}
