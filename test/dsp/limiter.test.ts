import { describe, expect, it } from 'vitest';
import { createTruePeakLimiter, DEFAULT_LOOKAHEAD_SEC, type TruePeakLimiterOptions } from '../../src/renderers/dsp/limiter.ts';
import {
  createTruePeakState,
  designTruePeakFilter,
  oversamplingFactor,
  truePeakFinal,
  truePeakProcess,
} from '../../src/renderers/dsp/true-peak.ts';
import { dB, prng, randomSplits, whiteNoise } from '../helpers/signals.ts';

const FS = 48000;
const CEILING_DB = -1;

function besselI0(x: number): number {
  let s = 1;
  let t = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 500; k++) {
    t *= q / (k * k);
    s += t;
    if (t < s * 1e-18) break;
  }
  return s;
}

/**
 * Independent reference meter: 16× oversampling, every phase a Kaiser-windowed
 * sinc of 128 taps (β = 10), flat within 0.001 dB to 0.45·fs, evaluated
 * directly (no cascade, no parabola). On a 16× grid a peak is under-read by at
 * most 1 − cos(π·0.45/16) (0.0034 dB) for content up to 0.45·fs. Silence is
 * assumed before and after the signal. Intervals whose window cannot beat the
 * running peak (Σ|c|·max|x| ≤ peak) are skipped, which changes nothing.
 */
const REF_L = 16;
const REF_T = 128;
const refPhases: Float64Array[] = (() => {
  const half = REF_T / 2;
  const beta = 10;
  const out: Float64Array[] = [];
  for (let p = 1; p < REF_L; p++) {
    const c = new Float64Array(REF_T);
    let sum = 0;
    for (let k = 0; k < REF_T; k++) {
      const u = p / REF_L + half - 1 - k;
      const r = u / half;
      c[k] = ((Math.sin(Math.PI * u) / (Math.PI * u)) * besselI0(beta * Math.sqrt(Math.max(0, 1 - r * r)))) / besselI0(beta);
      sum += c[k]!;
    }
    for (let k = 0; k < REF_T; k++) c[k] = c[k]! / sum;
    out.push(c);
  }
  return out;
})();
const refBound = Math.max(...refPhases.map((c) => c.reduce((a, v) => a + Math.abs(v), 0))) * (1 + 1e-9);

function referenceTruePeak(y: Float32Array, channels: number): number {
  const frames = y.length / channels;
  const half = REF_T / 2;
  const pad = REF_T;
  const x = new Float64Array(frames + 2 * pad);
  const B = 64;
  const blockMax = new Float64Array(Math.ceil(x.length / B));
  let peak = 0;
  for (let c = 0; c < channels; c++) {
    x.fill(0);
    for (let n = 0; n < frames; n++) x[pad + n] = y[n * channels + c]!;
    blockMax.fill(0);
    for (let n = 0; n < x.length; n++) {
      const a = Math.abs(x[n]!);
      if (a > peak) peak = a;
      if (a > blockMax[(n / B) | 0]!) blockMax[(n / B) | 0] = a;
    }
    for (let n = half - 1; n + half < x.length; n++) {
      // window x[n − half + 1 … n + half]
      const lo = n - half + 1;
      const hi = n + half;
      let wMax = 0;
      for (let b = (lo / B) | 0; b <= ((hi / B) | 0); b++) wMax = Math.max(wMax, blockMax[b]!);
      if (refBound * wMax <= peak) continue;
      for (const ph of refPhases) {
        let s = 0;
        for (let k = 0; k < REF_T; k++) s += ph[k]! * x[lo + k]!;
        const a = Math.abs(s);
        if (a > peak) peak = a;
      }
    }
  }
  return peak;
}

/** The project's BS.1770 meter (true-peak.ts): max of sample peak and interpolated peak over all channels. */
function meterTruePeak(y: Float32Array, channels: number): number {
  const state = createTruePeakState(designTruePeakFilter(oversamplingFactor(FS)), channels);
  const frames = y.length / channels;
  let peak = 0;
  for (let c = 0; c < channels; c++) {
    truePeakProcess(y, c, channels, frames, state, c);
    peak = Math.max(peak, truePeakFinal(state, c));
    for (let n = 0; n < frames; n++) peak = Math.max(peak, Math.abs(y[n * channels + c]!));
  }
  return peak;
}

/** Kaiser-windowed-sinc low-pass (255 taps, β = 10, ≥ 100 dB stopband), zero-phase. */
function lowpass(x: Float64Array, fcHz: number, fs = FS): Float64Array {
  const T = 255;
  const m = (T - 1) / 2;
  const fc = fcHz / fs;
  const h = new Float64Array(T);
  for (let k = 0; k < T; k++) {
    const u = k - m;
    const r = u / (m + 1);
    h[k] = ((u === 0 ? 2 * fc : Math.sin(2 * Math.PI * fc * u) / (Math.PI * u)) * besselI0(10 * Math.sqrt(1 - r * r))) / besselI0(10);
  }
  const y = new Float64Array(x.length);
  for (let n = 0; n < x.length; n++) {
    let s = 0;
    for (let k = Math.max(0, n + m - x.length + 1); k < T && n - k + m >= 0; k++) s += h[k]! * x[n - k + m]!;
    y[n] = s;
  }
  return y;
}

/** Interleaves channel arrays, scaled so the sample peak over all channels is `peak`. */
function interleave(chans: Float64Array[], peak: number): Float32Array {
  const C = chans.length;
  const F = chans[0]!.length;
  let m = 0;
  for (const ch of chans) for (const v of ch) m = Math.max(m, Math.abs(v));
  const out = new Float32Array(F * C);
  for (let n = 0; n < F; n++) for (let c = 0; c < C; c++) out[n * C + c] = (chans[c]![n]! * peak) / m;
  return out;
}

/**
 * Noise bursts (on 100 ms, off 100 ms at −34 dB) band-limited to 20 kHz: white
 * noise gated first, then low-passed, so the bursts' edges are band-limited too.
 */
function noiseBursts(seed: number, channels: number, frames: number, fs = FS): Float64Array[] {
  const r = prng(seed);
  const burst = Math.round(fs / 10);
  return Array.from({ length: channels }, () => {
    const w = new Float64Array(frames);
    for (let n = 256; n < frames - 256; n++) w[n] = (r() * 2 - 1) * (Math.floor(n / burst) % 2 === 0 ? 1 : 0.02);
    return lowpass(w, 20000, fs);
  });
}

/** A raised-cosine fade-in over `n` samples (band-limited onsets). */
function fadeIn(i: number, n: number): number {
  return i >= n ? 1 : 0.5 - 0.5 * Math.cos((Math.PI * i) / n);
}

/** Square-ish wave: tanh(4·sin), 997 Hz, with a 10 ms fade-in. */
function squareish(frames: number): Float64Array[] {
  const x = new Float64Array(frames);
  for (let n = 0; n < frames; n++) x[n] = Math.tanh(4 * Math.sin((2 * Math.PI * 997 * n) / FS)) * fadeIn(n, 480);
  return [x];
}

/** Band-limited square: odd harmonics of 1 kHz up to 19 kHz (Gibbs overshoot between samples). */
function additiveSquare(frames: number): Float64Array[] {
  const x = new Float64Array(frames);
  for (let n = 0; n < frames; n++) {
    let s = 0;
    for (let h = 1; h * 1000 <= 19000; h += 2) s += Math.sin((2 * Math.PI * 1000 * h * n) / FS + 0.1 * h) / h;
    x[n] = s * fadeIn(n, 480);
  }
  return [x];
}

/** The worst case of BS.1770: a sine at fs/4 sampled at ±45°, whose samples sit 3 dB below its peak. */
function quarterRateSine(frames: number): Float64Array[] {
  const x = new Float64Array(frames);
  for (let n = 0; n < frames; n++) x[n] = Math.sin((Math.PI * n) / 2 + Math.PI / 4) * fadeIn(n, 480);
  return [x];
}

/** Runs the limiter over `x` in blocks of `block` frames and appends the flushed tail. */
function runLimiter(x: Float32Array, opts: TruePeakLimiterOptions, splits?: number[]): { y: Float32Array; latency: number; maxGr: number } {
  const lim = createTruePeakLimiter(opts);
  const C = opts.channels;
  const F = x.length / C;
  const y = new Float32Array((F + lim.latency) * C);
  y.set(x);
  if (splits) {
    let off = 0;
    for (const n of splits) {
      lim.process(y.subarray(off * C), n);
      off += n;
    }
    expect(off).toBe(F);
  } else {
    lim.process(y, F);
  }
  const tail = new Float32Array(lim.latency * C);
  expect(lim.flush(tail)).toBe(lim.latency);
  y.set(tail, F * C);
  return { y, latency: lim.latency, maxGr: lim.maxGainReductionDb };
}

describe('true-peak limiter: ceiling', () => {
  const F = FS; // 1 s
  // `recorded`: the reading when these tests were written (±0.002 dB), so that drift shows
  const cases: Array<{ name: string; channels: number; x: () => Float32Array; recorded: number }> = [
    { name: 'noise bursts, stereo', channels: 2, x: () => interleave(noiseBursts(1, 2, F), 4), recorded: -1.0949 },
    { name: 'noise bursts, 5.1 (linked)', channels: 6, x: () => interleave(noiseBursts(2, 6, F / 2), 4), recorded: -1.0962 },
    { name: 'square-ish wave (tanh)', channels: 1, x: () => interleave(squareish(F / 2), 4), recorded: -1.0947 },
    { name: 'band-limited square (Gibbs)', channels: 1, x: () => interleave(additiveSquare(F / 2), 4), recorded: -1.0965 },
    {
      name: 'fs/4 sine at 45° (inter-sample peak +3 dB)',
      channels: 1,
      x: () => interleave(quarterRateSine(F / 4), 4 * Math.SQRT1_2),
      recorded: -1.0984,
    },
  ];
  for (const c of cases) {
    it(`${c.name}: raised 12 dB, the 16× reference reads ≤ ${CEILING_DB} dBTP (+0.0 dB)`, () => {
      const x = c.x();
      const inDb = dB(referenceTruePeak(x, c.channels));
      expect(inDb).toBeGreaterThan(11.9); // the input really is ~12 dB over full scale
      const { y, maxGr } = runLimiter(x, { sampleRate: FS, channels: c.channels, ceilingDb: CEILING_DB });
      const outDb = dB(referenceTruePeak(y, c.channels));
      expect(outDb).toBeLessThanOrEqual(CEILING_DB);
      // and it limits to the ceiling, not far below it (safety margin 0.1 dB, plus the parabola's bias)
      expect(outDb).toBeGreaterThan(CEILING_DB - 0.25);
      expect(Math.abs(outDb - c.recorded)).toBeLessThan(0.002);
      expect(maxGr).toBeGreaterThan(12);
    });
  }

  for (const fs of [44100, 96000]) {
    it(`noise bursts band-limited to 20 kHz at ${fs} Hz: raised 12 dB, ≤ the ceiling`, () => {
      const x = interleave(noiseBursts(7, 2, fs / 2, fs), 4);
      const { y } = runLimiter(x, { sampleRate: fs, channels: 2, ceilingDb: CEILING_DB });
      const outDb = dB(referenceTruePeak(y, 2));
      expect(outDb).toBeLessThanOrEqual(CEILING_DB);
      expect(outDb).toBeGreaterThan(CEILING_DB - 0.25);
    });
  }

  it('full-band white noise: our BS.1770 meter reads the output ≤ the ceiling', () => {
    const C = 2;
    const x = whiteNoise(FS / 2 * C, 9, 4);
    const { y } = runLimiter(x, { sampleRate: FS, channels: C, ceilingDb: -2 });
    expect(dB(meterTruePeak(y, C))).toBeLessThanOrEqual(-2);
  });

  it('holds for other ceilings, look-aheads and releases', () => {
    const x = interleave(noiseBursts(3, 2, FS / 2), 8); // +18 dB
    for (const [ceilingDb, lookaheadSec, releaseSec] of [
      [-2, 0.0015, 0.05],
      [-0.1, 0.005, 0.2],
      [-6, 0.002, 0.01],
    ] as const) {
      const { y } = runLimiter(x, { sampleRate: FS, channels: 2, ceilingDb, lookaheadSec, releaseSec });
      const outDb = dB(referenceTruePeak(y, 2));
      expect(outDb).toBeLessThanOrEqual(ceilingDb);
      expect(outDb).toBeGreaterThan(ceilingDb - 0.25);
    }
  });
});

describe('true-peak limiter: transparency and timing', () => {
  it('passes a signal under the ceiling unchanged, bit-exact, delayed by `latency`', () => {
    const C = 2;
    const x = interleave(noiseBursts(4, C, FS / 2), 0.5); // sample peak −6 dBFS
    expect(dB(referenceTruePeak(x, C))).toBeLessThan(CEILING_DB - 1);
    const { y, latency, maxGr } = runLimiter(x, { sampleRate: FS, channels: C, ceilingDb: CEILING_DB });
    expect(maxGr).toBe(0);
    for (let i = 0; i < latency * C; i++) expect(y[i]).toBe(0);
    const F = x.length / C;
    let mismatches = 0;
    for (let i = 0; i < F * C; i++) if (y[latency * C + i] !== x[i]) mismatches++;
    expect(mismatches).toBe(0);
  });

  it('has the documented latency: T_A/2 + 3 + round(look-ahead · fs) frames', () => {
    const lim = createTruePeakLimiter({ sampleRate: FS, channels: 1, ceilingDb: -1 });
    expect(lim.latency).toBe(20 + 3 + Math.round(DEFAULT_LOOKAHEAD_SEC * FS));
    const lim2 = createTruePeakLimiter({ sampleRate: 96000, channels: 1, ceilingDb: -1, lookaheadSec: 0.002 });
    expect(lim2.latency).toBe(20 + 3 + 192);
  });

  it('output = input shifted by exactly `latency` times a smooth gain in (0, 1]', () => {
    const C = 2;
    const x = interleave(noiseBursts(5, C, FS / 2), 4);
    const lookaheadSec = 0.003;
    const { y, latency } = runLimiter(x, { sampleRate: FS, channels: C, ceilingDb: CEILING_DB, lookaheadSec, releaseSec: 0.05 });
    const F = x.length / C;
    // the gain seen by each frame, from the larger channel (the ratio is the same in every channel: linked)
    const g = new Float64Array(F).fill(NaN);
    for (let n = 0; n < F; n++) {
      let best = 0;
      for (let c = 0; c < C; c++) {
        const xi = x[n * C + c]!;
        if (Math.abs(xi) > Math.max(best, 1e-3)) {
          best = Math.abs(xi);
          g[n] = y[(n + latency) * C + c]! / xi;
        }
      }
      if (best > 0) {
        for (let c = 0; c < C; c++) {
          const xi = x[n * C + c]!;
          if (Math.abs(xi) > 1e-2) expect(Math.abs(y[(n + latency) * C + c]! / xi - g[n]!)).toBeLessThan(1e-5);
        }
      }
    }
    const W = Math.round(lookaheadSec * FS);
    let prev = NaN;
    let prevN = -1;
    let maxStep = 0;
    for (let n = 0; n < F; n++) {
      const v = g[n]!;
      if (Number.isNaN(v)) continue;
      expect(v).toBeGreaterThan(0);
      expect(v).toBeLessThanOrEqual(1 + 1e-6);
      if (prevN === n - 1) maxStep = Math.max(maxStep, Math.abs(v - prev));
      prev = v;
      prevN = n;
    }
    // no clicks: two boxes of ~W/2 smooth any jump of the gain target (≤ 1) to ≤ 2/W per sample (plus float32 rounding)
    expect(maxStep).toBeLessThan(2 / W + 1e-5);
    expect(maxStep).toBeGreaterThan(0);
  });

  it('releases exponentially with the given time constant', () => {
    const releaseSec = 0.05;
    const F = 2 * FS;
    // a loud 1 kHz burst for 0.2 s, then the same tone 20 dB lower (under the ceiling)
    const x = new Float32Array(F);
    for (let n = 0; n < F; n++) x[n] = Math.sin((2 * Math.PI * 1000 * n) / FS) * fadeIn(n, 480) * (n < FS / 5 ? 2 : 0.2);
    const { y, latency } = runLimiter(x, { sampleRate: FS, channels: 1, ceilingDb: CEILING_DB, releaseSec });
    const gainAt = (t: number): number => {
      // gain at input frame ≈ t·fs, from a crest of the tone (|x| ≥ 0.19)
      let n = Math.round(t * FS);
      while (Math.abs(x[n]!) < 0.19) n++;
      return y[n + latency]! / x[n]!;
    };
    const g0 = gainAt(0.19); // limited: ≈ ceiling / 2
    expect(g0).toBeLessThan(0.5);
    // the hold lets go of the frames after the burst at once; the boxes centre the release W/2 frames later
    const tEnd = 0.2 + DEFAULT_LOOKAHEAD_SEC / 2;
    for (const k of [1, 2, 4]) {
      const expected = 1 - (1 - g0) * Math.exp(-k);
      expect(Math.abs(gainAt(tEnd + k * releaseSec) - expected)).toBeLessThan(0.02);
    }
    // back to exactly 1 (bit-exact pass-through) once 1 − e < 1e-9: after ln(0.55e9) ≈ 20 time constants
    expect(gainAt(0.2 + 25 * releaseSec)).toBe(1);
  });
});

describe('true-peak limiter: streaming', () => {
  it('renders identically for any block split (bit-exact), 3 channels', () => {
    const C = 3;
    // loud bursts with quiet gaps, and bursts hovering about the ceiling: both take and skip the fast paths
    for (const peak of [6, 1]) {
      const x = interleave(noiseBursts(6, C, 20000), peak);
      const whole = runLimiter(x, { sampleRate: FS, channels: C, ceilingDb: CEILING_DB }).y;
      for (const [seed, maxBlock] of [[1, 7], [2, 300], [3, 5000]] as const) {
        const split = runLimiter(x, { sampleRate: FS, channels: C, ceilingDb: CEILING_DB }, randomSplits(x.length / C, seed, maxBlock)).y;
        expect(Buffer.from(split.buffer).equals(Buffer.from(whole.buffer))).toBe(true);
      }
    }
  });

  it('flush returns the tail, then starts afresh (reusable)', () => {
    const x = interleave(squareish(5000), 4);
    const a = runLimiter(x, { sampleRate: FS, channels: 1, ceilingDb: -3 }).y;
    const lim = createTruePeakLimiter({ sampleRate: FS, channels: 1, ceilingDb: -3 });
    for (let round = 0; round < 2; round++) {
      const y = new Float32Array(x.length + lim.latency);
      y.set(x);
      lim.process(y, x.length);
      lim.flush(y.subarray(x.length));
      expect(Buffer.from(y.buffer).equals(Buffer.from(a.buffer))).toBe(true);
    }
  });

  it('rejects invalid parameters and buffers', () => {
    expect(() => createTruePeakLimiter({ sampleRate: 0, channels: 2, ceilingDb: -1 })).toThrow(RangeError);
    expect(() => createTruePeakLimiter({ sampleRate: FS, channels: 0, ceilingDb: -1 })).toThrow(RangeError);
    expect(() => createTruePeakLimiter({ sampleRate: FS, channels: 2, ceilingDb: NaN })).toThrow(RangeError);
    expect(() => createTruePeakLimiter({ sampleRate: FS, channels: 2, ceilingDb: -1, lookaheadSec: 0 })).toThrow(RangeError);
    expect(() => createTruePeakLimiter({ sampleRate: FS, channels: 2, ceilingDb: -1, releaseSec: -1 })).toThrow(RangeError);
    expect(() => createTruePeakLimiter({ sampleRate: FS, channels: 2, ceilingDb: -1, safetyDb: -0.1 })).toThrow(RangeError);
    const lim = createTruePeakLimiter({ sampleRate: FS, channels: 2, ceilingDb: -1 });
    expect(() => lim.process(new Float32Array(10), 6)).toThrow(RangeError);
    expect(() => lim.flush(new Float32Array(2))).toThrow(RangeError);
    expect(() => lim.process(Float32Array.of(0, 0, NaN, 0), 2)).toThrow(RangeError);
    expect(() => createTruePeakLimiter({ sampleRate: FS, channels: 1, ceilingDb: -1 }).process(Float32Array.of(Infinity), 1)).toThrow(RangeError);
  });
});
