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
    process: (input, output, frames) => applyMatrix(input, inCh, output, outCh, m, frames),
  };
}

/** A reader that routes another reader's frames through a route. */
export function routedInput(src: BlockReader, route: Route, maxBlock: number): BlockReader {
  let scratch = new Float32Array(maxBlock * src.channels);
  return {
    channels: route.outChannels,
    frames: src.frames,
    read(start, frames, out) {
      if (scratch.length < frames * src.channels) scratch = new Float32Array(frames * src.channels);
      src.read(start, frames, scratch);
      route.process(scratch, out, frames);
    },
    live: () => src.live(),
    close: () => src.close(),
  };
}
