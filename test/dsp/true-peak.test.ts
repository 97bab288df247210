import { afterAll, describe, expect, it } from 'vitest';
import { measureBuffer } from '../../src/renderers/dsp/loudness.ts';
import {
  createTruePeakState,
  designTruePeakFilter,
  oversamplingFactor,
  truePeakFinal,
  truePeakProcess,
  type OversamplingFactor,
  type TruePeakFilter,
} from '../../src/renderers/dsp/true-peak.ts';
import {
  checkExpected,
  checkRecorded,
  generate,
  loadCases,
  loadRecorded,
  meterOptions,
  saveRecorded,
  UPDATE,
  type Measured,
} from './ebu-cases.ts';
import { prng } from '../helpers/signals.ts';

const cases = loadCases().filter((c) => c.expected.true_peak_dbtp !== undefined);
const RECORDED = new URL('./recorded/true-peak.json', import.meta.url);
const recorded = loadRecorded(RECORDED);
const measuredAll: Record<string, Record<string, Measured>> = {};

/** Straightforward reference: every phase's equivalent single-stage filter at every position, no cascade, no skipping. */
function bruteForcePeak(x: Float64Array, f: TruePeakFilter): number {
  const S = f.phases[0]!.length;
  const padded = new Float64Array(x.length + 2 * (S - 1));
  padded.set(x, S - 1);
  let peak = 0;
  for (let i = 0; i + S <= padded.length; i++) {
    for (let p = 0; p < f.factor; p++) {
      let acc = 0;
      for (let k = 0; k < S; k++) acc += f.phases[p]![k]! * padded[i + k]!;
      peak = Math.max(peak, Math.abs(acc));
    }
  }
  return peak;
}

function streamPeak(x: Float32Array, f: TruePeakFilter, splits: number[] = [x.length]): number {
  const st = createTruePeakState(f, 1, 256);
  let at = 0;
  for (const n of splits) {
    truePeakProcess(x, at, 1, n, st, 0);
    at += n;
  }
  let sp = 0;
  for (const v of x) sp = Math.max(sp, Math.abs(v));
  return Math.max(sp, truePeakFinal(st, 0));
}

describe('EBU Tech 3341 true-peak cases 15–23', () => {
  it('the JSON has the nine true-peak cases', () => {
    expect(cases.map((c) => c.id)).toEqual(['3341-15', '3341-16', '3341-17', '3341-18', '3341-19', '3341-20', '3341-21', '3341-22', '3341-23']);
  });

  for (const c of cases) {
    it(`${c.id}: ${c.description.slice(0, 70)}`, () => {
      const audio = generate(c);
      const r = measureBuffer(audio.data, audio.frames, meterOptions(c, audio));
      const m = checkExpected(c, r);
      measuredAll[c.id] = m;
      if (!UPDATE) checkRecorded(c.id, m, recorded);
      // both channels carry the same signal
      expect(r.channels[0]).toEqual(r.channels[1]);
      expect(r.truePeak!).toBeGreaterThanOrEqual(r.samplePeak!);
    });
  }

  afterAll(() => {
    if (UPDATE) saveRecorded(RECORDED, { ...recorded, ...measuredAll });
  });

  for (const fs of [44100, 96000]) {
    for (const id of ['3341-15', '3341-16', '3341-17', '3341-18']) {
      it(`${id} at ${fs} Hz (×${oversamplingFactor(fs)}) stays within the spec bounds`, () => {
        const c = cases.find((x) => x.id === id)!;
        const audio = generate(c, fs);
        const r = measureBuffer(audio.data, audio.frames, meterOptions(c, audio));
        checkExpected(c, r);
      });
    }
  }
});

describe('oversampling factor and filter design', () => {
  it('4× below 96 kHz, 2× up to 192 kHz, 1× above', () => {
    expect([32000, 44100, 48000, 88200, 96000, 176400, 192000, 352800, 384000].map(oversamplingFactor)).toEqual([4, 4, 4, 4, 2, 2, 2, 1, 1]);
  });

  for (const L of [4, 2] as OversamplingFactor[]) {
    it(`×${L}: phase 0 is the sample itself, phases have unity DC gain and mirror each other`, () => {
      const f = designTruePeakFilter(L);
      const S = f.phases[0]!.length;
      expect(S).toBe(f.taps + 4);
      expect(Array.from(f.phases[0]!)).toEqual(Array.from({ length: S }, (_, k) => (k === -f.phaseOrigin ? 1 : 0)));
      for (let p = 1; p < L; p++) {
        const sum = f.phases[p]!.reduce((a, b) => a + b, 0);
        expect(sum).toBeCloseTo(1, 14);
        // x(n + p/L) and x(n + 1 − p/L) mirror each other about n + ½
        for (let k = 0; k < S; k++) expect(f.phases[p]![k]).toBeCloseTo(f.phases[L - p]![S - 1 - k]!, 15);
      }
    });

    it(`×${L}: every phase is within ±0.05 dB of an ideal fractional delay up to 0.45·fs`, () => {
      const f = designTruePeakFilter(L);
      const S = f.phases[0]!.length;
      let worst = 0;
      for (let p = 1; p < L; p++) {
        for (let nu = 0; nu <= 0.45; nu += 0.0025) {
          // response to x[m] = e^{j2πνm} relative to e^{j2πν(n + p/L)}
          let re = 0;
          let im = 0;
          for (let k = 0; k < S; k++) {
            const arg = 2 * Math.PI * nu * (f.phaseOrigin + k - p / L);
            re += f.phases[p]![k]! * Math.cos(arg);
            im += f.phases[p]![k]! * Math.sin(arg);
          }
          worst = Math.max(worst, Math.abs(10 * Math.log10(re * re + im * im)));
        }
      }
      expect(worst).toBeLessThan(0.05);
    });
  }

  it('rejects unsupported designs', () => {
    expect(() => designTruePeakFilter(3 as OversamplingFactor)).toThrow();
    expect(() => designTruePeakFilter(4, 31)).toThrow(/even/);
    expect(() => designTruePeakFilter(4, 6)).toThrow(/even/);
  });
});

describe('streaming kernel', () => {
  it('equals a brute-force polyphase evaluation, including the quiet-group skip and the tail', () => {
    const rnd = prng(5);
    for (const L of [4, 2] as OversamplingFactor[]) {
      const f = designTruePeakFilter(L);
      const n = 3000;
      const x = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        // loud start, then long quiet stretches the kernel may skip, a loud click at the end
        const env = i < 300 ? 0.8 : i > n - 5 ? 0.9 : 0.01;
        x[i] = env * (rnd() * 2 - 1);
      }
      const ref = bruteForcePeak(Float64Array.from(x), f);
      expect(streamPeak(x, f)).toBeCloseTo(ref, 12);
      expect(streamPeak(x, f, [1, 2, 3, 700, 2294])).toBe(streamPeak(x, f));
    }
  });

  it('sees overshoot after the last sample (the filter tail), without changing its state', () => {
    const f = designTruePeakFilter(4);
    // a full-scale step at the very end: its ringing overshoots after the last sample
    const x = new Float32Array(100);
    for (let i = 96; i < 100; i++) x[i] = i % 2 === 0 ? 1 : -1;
    const st = createTruePeakState(f, 1);
    truePeakProcess(x, 0, 1, 100, st, 0);
    const before = Float64Array.from(st.history);
    const tail = truePeakFinal(st, 0);
    expect(tail).toBeGreaterThan(1);
    expect(Array.from(st.history)).toEqual(Array.from(before));
    expect(truePeakFinal(st, 0)).toBe(tail);
  });

  it('sines at random frequencies and phases read within the 4× grid error and the filter ripple', () => {
    const rnd = prng(11);
    const fs = 48000;
    for (let t = 0; t < 40; t++) {
      const nu = 0.01 + 0.44 * rnd(); // cycles per sample
      const ph = 2 * Math.PI * rnd();
      const n = 4800;
      const x = new Float32Array(n);
      // 10 ms raised-cosine fades keep the start and end from ringing above the sine
      const fade = (i: number): number => (i >= 480 ? 1 : 0.5 - 0.5 * Math.cos((Math.PI * i) / 480));
      for (let i = 0; i < n; i++) x[i] = 0.5 * Math.sin(2 * Math.PI * nu * i + ph) * fade(i) * fade(n - 1 - i);
      const r = measureBuffer(x, n, { sampleRate: fs, channels: 1 });
      // the true peak lies at most 1/8 sample from a 4× point: reads at worst cos(2π·ν/8) low
      const low = 20 * Math.log10(0.5 * Math.cos((2 * Math.PI * nu) / 8)) - 0.05;
      const high = 20 * Math.log10(0.5) + 0.05;
      expect(r.truePeak!, `ν = ${nu}`).toBeGreaterThanOrEqual(low);
      expect(r.truePeak!, `ν = ${nu}`).toBeLessThanOrEqual(high);
    }
  });

  it('above 192 kHz the true peak is the sample peak', () => {
    const fs = 384000;
    const x = new Float32Array(fs / 2);
    for (let i = 0; i < x.length; i++) x[i] = 0.5 * Math.sin((2 * Math.PI * i) / 4 + Math.PI / 4);
    const r = measureBuffer(x, x.length, { sampleRate: fs, channels: 1 });
    expect(r.truePeak).toBe(r.samplePeak);
  });
});
