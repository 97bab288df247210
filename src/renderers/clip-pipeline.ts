/**
 * The clip pipeline, stage by stage:
 *   1. source material: the source range [in, out), or a music edit list (segments back to
 *      back, equal-power crossfades at the joins)
 *   2. (stored clips) processor chain, then the distance model: Doppler delay line, ISO 9613-1
 *      air absorption and inverse-distance gain, following the distance per sample
 *   3. envelope (gain × fades × gain automation) and pan (static, or azimuth keyframes
 *      interpolated per 32 samples) into the master layout
 * Stage 1 and 3 are random access; stage 2 is sequential (stored clips render once, in order).
 */
import type { AutomationPoint } from '../compiler/model.ts';
import type { Keyframes, ProcStep } from '../compiler/resolve-sound.ts';
import { createAirAbsorptionFilter, airAbsorptionProcess, type AirAbsorptionFilter } from './dsp/air-absorption.ts';
import { applyDistanceGain } from './dsp/distance.ts';
import { createDoppler, dopplerProcess, type DopplerState } from './dsp/doppler.ts';
import { createEnvelope, createKeyframes, type Envelope as AutoEnvelope, type KeyframeTrack } from './dsp/envelope.ts';
import { envelopeAt, type Envelope } from './dsp/fade.ts';
import type { LayoutName } from './dsp/layouts.ts';
import { planEdit, renderEdit, type EditPlan } from './dsp/music-edit.ts';
import { panMatrixForLayout } from './dsp/pan.ts';
import type { BlockReader } from './inputs.ts';

export interface ClipParams {
  in: number;
  out: number;
  gain: number;
  /** Degrees, positive to the right. */
  azimuth: number;
  /** Linear LFE send. */
  lfe: number;
  divergence: number;
  layout: LayoutName;
  fadeIn: { length: number; curve: 'linear' | 'equal-power' };
  fadeOut: { length: number; curve: 'linear' | 'equal-power' };
  srcChannels: number;
  channels: number;
  sampleRate?: number;
  /** Frames the clip renders (its material plus any processing tail). Defaults to out − in. */
  length?: number;
  edit?: { from: number; to: number; repeat: number; crossfade: number }[] | null;
  process?: ProcStep[];
  distance?: number | Keyframes | null;
  doppler?: boolean;
  distanceModel?: { model: 'inverse' | 'linear' | 'exponential'; refDistance: number; rolloff: number; maxDistance: number };
  /** ISO 9613-1 conditions for air absorption, and the temperature for the speed of sound (default 20 °C, 50 %, 101.325 kPa). */
  atmosphere?: { temperatureC: number; relativeHumidity: number; pressureKpa: number };
  azimuthKeys?: Keyframes | null;
  gainAutomation?: AutomationPoint[] | null;
}

export const clipLength = (p: ClipParams) => p.length ?? p.out - p.in;
export const isHeavy = (p: ClipParams) => (p.process?.length ?? 0) > 0 || (p.distance ?? null) !== null || Boolean(p.doppler);

/** Stage 1: the clip's source material in source channels, frames [0, out − in). */
export function materialStage(p: ClipParams, src: BlockReader, maxBlock: number): BlockReader {
  const ch = src.channels;
  const material = p.out - p.in;
  let plan: EditPlan | null = null;
  let scratch = new Float32Array(maxBlock * ch);
  if (p.edit && p.edit.length) {
    plan = planEdit(
      p.edit.map((s) => ({ from: s.from, to: s.to, repeat: s.repeat, crossfade: s.crossfade })),
      // the crossfade ends on the cut: the incoming segment is at full level from its `from`,
      // and needs only a handle before it (the outgoing one may end at the end of its file)
      { crossfadeCurve: 'equal-power', align: 'end', sourceLength: src.frames },
    );
  }
  return {
    channels: ch,
    frames: material,
    read(start, frames, out) {
      out.fill(0, 0, frames * ch);
      const from = Math.max(0, start);
      const to = Math.min(material, start + frames);
      if (to <= from) return;
      const view = out.subarray((from - start) * ch);
      if (plan) {
        if (scratch.length < (to - from) * ch) scratch = new Float32Array((to - from) * ch);
        renderEdit(plan, (s, n, o) => src.read(s, n, o as Float32Array), view, from, to - from, scratch, ch);
      } else src.read(p.in + from, to - from, view);
    },
    live: () => [[0, material]],
    close: () => src.close(),
  };
}

/** Stage 2 (distance part): Doppler, air absorption and distance gain, per channel, sequential. */
export function createDistanceStage(p: ClipParams, channels: number, sampleRate: number, maxBlock: number) {
  const d = p.distance ?? null;
  if (d === null) return null;
  const track: KeyframeTrack | null = typeof d === 'number' ? null : createKeyframes(d.t.map((t, i) => ({ t, value: d.value[i] })));
  const maxD = typeof d === 'number' ? d : Math.max(...d.value);
  const dist = new Float64Array(maxBlock);
  const air: AirAbsorptionFilter[] = [];
  const dop: DopplerState[] = [];
  for (let c = 0; c < channels; c++) {
    air.push(createAirAbsorptionFilter({ sampleRate, maxDistance: Math.max(maxD, 1), ...(p.atmosphere ? { conditions: p.atmosphere } : {}) }));
    if (p.doppler) dop.push(createDoppler({ sampleRate, maxDistance: maxD + 1, ...(p.atmosphere ? { temperatureC: p.atmosphere.temperatureC } : {}) }));
  }
  const lane = new Float32Array(maxBlock);
  const lane2 = new Float32Array(maxBlock);
  return {
    /** Processes `frames` interleaved frames at clip position `pos`, in place. */
    process(buf: Float32Array, pos: number, frames: number) {
      if (track) track.fill(dist, pos, frames);
      else dist.fill(d as number, 0, frames);
      for (let c = 0; c < channels; c++) {
        for (let i = 0; i < frames; i++) lane[i] = buf[i * channels + c];
        let x = lane;
        if (p.doppler) {
          dopplerProcess(dop[c], x, lane2, frames, dist);
          x = lane2;
        }
        airAbsorptionProcess(air[c], x, x === lane ? lane2 : lane, frames, dist);
        const y = x === lane ? lane2 : lane;
        applyDistanceGain(y, y, dist, frames, p.distanceModel);
        for (let i = 0; i < frames; i++) buf[i * channels + c] = y[i];
      }
    },
  };
}

/** Stage 3a: the clip's envelope (gain × fades × gain automation) on source channels, in place, random access. */
export function createEnvelopeGain(p: ClipParams, ch: number) {
  const material = p.out - p.in;
  const env: Envelope = { gain: p.gain, length: material, fadeIn: p.fadeIn.length, fadeInCurve: p.fadeIn.curve, fadeOut: p.fadeOut.length, fadeOutCurve: p.fadeOut.curve };
  const auto: AutoEnvelope | null = p.gainAutomation?.length ? createEnvelope(p.gainAutomation.map((a) => ({ t: a.t, value: a.value, curve: a.curve })), { domain: 'db' }) : null;
  let autoBuf = new Float64Array(0);
  const fadeOutStart = material - env.fadeOut;
  return (buf: Float32Array, first: number, frames: number) => {
    if (auto) {
      if (autoBuf.length < frames) autoBuf = new Float64Array(frames);
      auto.fill(autoBuf, first, frames);
    }
    // the constant middle of a clip (no fade, no automation) takes the fast path: same products
    const flatFrom = Math.max(first, env.fadeIn) - first;
    const flatTo = Math.min(first + frames, fadeOutStart, material) - first;
    const g0 = env.gain;
    for (let f = 0; f < frames; f++) {
      if (!auto && f === flatFrom && flatTo > flatFrom) {
        const end = flatTo * ch;
        for (let k = f * ch; k < end; k++) buf[k] *= g0;
        f = flatTo - 1;
        continue;
      }
      const i = first + f;
      let g = i >= material ? 0 : i < env.fadeIn || i >= fadeOutStart ? envelopeAt(env, i) : g0;
      if (auto) g *= autoBuf[f];
      const b = f * ch;
      for (let c = 0; c < ch; c++) buf[b + c] *= g;
    }
  };
}

/** Stage 3b: pan from source channels into the layout: a static matrix, or azimuth keyframes interpolated per 32 samples. */
export function createPanner(p: ClipParams, inCh: number) {
  const outCh = p.channels;
  const panKeys: KeyframeTrack | null = p.azimuthKeys?.t.length ? createKeyframes(p.azimuthKeys.t.map((t, i) => ({ t, value: p.azimuthKeys!.value[i] })), { interpolation: 'linear' }) : null;
  const opts = { lfeSend: p.lfe, divergence: p.divergence };
  const staticMatrix = panMatrixForLayout(inCh, p.layout, p.azimuth, opts);
  const STEP = 32;
  return (input: Float32Array, output: Float32Array, first: number, frames: number) => {
    if (!panKeys) {
      // static pan: out[o] = Σ_c m[o][c]·in[c], the same products in the same order as below
      const m = staticMatrix;
      if (inCh === 1) {
        for (let f = 0; f < frames; f++) {
          const x = input[f];
          const ob = f * outCh;
          for (let o = 0; o < outCh; o++) output[ob + o] = 0 + m[o] * x;
        }
      } else {
        for (let f = 0; f < frames; f++) {
          const ib = f * inCh;
          const ob = f * outCh;
          for (let o = 0; o < outCh; o++) {
            let acc = 0;
            const mb = o * inCh;
            for (let c = 0; c < inCh; c++) acc += m[mb + c] * input[ib + c];
            output[ob + o] = acc;
          }
        }
      }
      return;
    }
    let m0 = staticMatrix;
    let m1 = staticMatrix;
    for (let f = 0; f < frames; f++) {
      const i = first + f;
      if (panKeys && (f === 0 || i % STEP === 0)) {
        const a = i - (i % STEP);
        m0 = panMatrixForLayout(inCh, p.layout, panKeys.valueAt(a), opts);
        m1 = panMatrixForLayout(inCh, p.layout, panKeys.valueAt(a + STEP), opts);
      }
      const w = panKeys ? (i % STEP) / STEP : 0;
      const ib = f * inCh;
      const ob = f * outCh;
      for (let o = 0; o < outCh; o++) {
        let acc = 0;
        const mb = o * inCh;
        for (let c = 0; c < inCh; c++) acc += (m0[mb + c] + w * (m1[mb + c] - m0[mb + c])) * input[ib + c];
        output[ob + o] = acc;
      }
    }
  };
}
