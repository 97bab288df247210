import { afterAll, describe, expect, it } from 'vitest';
import {
  defaultChannelWeights,
  energyToLoudness,
  integratedLoudness,
  LoudnessMeter,
  loudnessRange,
  measureBuffer,
  type LoudnessResult,
  type MeterOptions,
} from '../../src/renderers/dsp/loudness.ts';
import { biquadMagnitude } from '../../src/renderers/dsp/biquad.ts';
import { kWeightingCoefficients } from '../../src/renderers/dsp/k-weighting.ts';
import {
  checkExpected,
  checkRecorded,
  generate,
  loadCases,
  loadRecorded,
  meterOptions,
  saveRecorded,
  UPDATE,
  type EbuCase,
  type Measured,
} from './ebu-cases.ts';
import { prng } from '../helpers/signals.ts';

const cases = loadCases();
const byId = (id: string): EbuCase => {
  const c = cases.find((x) => x.id === id);
  if (!c) throw new Error(`no case ${id}`);
  return c;
};
// true-peak cases run in true-peak.test.ts
const loudnessCases = cases.filter((c) => c.expected.true_peak_dbtp === undefined);

const RECORDED = new URL('./recorded/loudness.json', import.meta.url);
const recorded = loadRecorded(RECORDED);
const measuredAll: Record<string, Record<string, Measured>> = {};

function sineBuffer(fs: number, channels: number, frames: number, freq: number, amps: number[], start = 0): Float32Array {
  const x = new Float32Array(frames * channels);
  for (let n = start; n < frames; n++) {
    const s = Math.sin((2 * Math.PI * freq * n) / fs);
    for (let c = 0; c < channels; c++) x[n * channels + c] = amps[c]! * s;
  }
  return x;
}

describe('EBU Tech 3341 / 3342 reference signals', () => {
  it('the JSON loads; every case has readings (the true-peak ones run in true-peak.test.ts)', () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
    for (const c of cases) expect(Object.keys(c.expected).length, c.id).toBeGreaterThan(0);
    expect(loudnessCases.length + cases.filter((c) => c.expected.true_peak_dbtp !== undefined).length).toBe(cases.length);
  });

  for (const c of loudnessCases) {
    it(`${c.id}: ${c.description.slice(0, 70)}`, () => {
      const audio = generate(c);
      const r = measureBuffer(audio.data, audio.frames, meterOptions(c, audio));
      const m = checkExpected(c, r);
      measuredAll[c.id] = m;
      if (!UPDATE) checkRecorded(c.id, m, recorded);
    });
  }

  afterAll(() => {
    if (UPDATE) saveRecorded(RECORDED, { ...recorded, ...measuredAll });
  });
});

describe('sample-rate variants', () => {
  const c1 = byId('3341-1');
  const at48 = (() => {
    const a = generate(c1);
    return measureBuffer(a.data, a.frames, meterOptions(c1, a));
  })();

  for (const fs of [44100, 96000]) {
    it(`3341-1 at ${fs} Hz reads like 48 kHz`, () => {
      const a = generate(c1, fs);
      const r = measureBuffer(a.data, a.frames, meterOptions(c1, a));
      checkExpected(c1, r);
      expect(Math.abs(r.integrated! - at48.integrated!)).toBeLessThan(0.01);
      expect(Math.abs(r.momentaryMax! - at48.momentaryMax!)).toBeLessThan(0.01);
      expect(Math.abs(r.shortTermMax! - at48.shortTermMax!)).toBeLessThan(0.01);
    });
  }

  it('a non-integer samples-per-100 ms rate (11025 Hz) still gates and reads', () => {
    const fs = 11025;
    const x = sineBuffer(fs, 1, fs * 5, 1000, [Math.pow(10, -23 / 20)]);
    const r = measureBuffer(x, fs * 5, { sampleRate: fs, channels: 1 });
    // −26.0 less the bilinear warping of the shelf this close to Nyquist (−0.1 dB at 1 kHz)
    const k = kWeightingCoefficients(fs);
    const gainDb = 20 * Math.log10(biquadMagnitude(k.shelf, 1000, fs) * biquadMagnitude(k.highPass, 1000, fs));
    expect(r.integrated!).toBeCloseTo(-0.691 + 10 * Math.log10(Math.pow(10, -23 / 10) / 2) + gainDb, 3);
  });
});

describe('calibration', () => {
  it('a full-scale 997 Hz sine in one front channel reads −3.01 LUFS (BS.1770-4 §2)', () => {
    const fs = 48000;
    const x = sineBuffer(fs, 1, fs * 5, 997, [1]);
    const r = measureBuffer(x, fs * 5, { sampleRate: fs, channels: 1, truePeak: false });
    expect(Math.abs(r.integrated! + 3.0103)).toBeLessThan(0.002);
  });

  it('a full-scale 1 kHz sine in one channel of a stereo file reads −3.01 LUFS', () => {
    const fs = 48000;
    const x = sineBuffer(fs, 2, fs * 5, 1000, [1, 0]);
    const r = measureBuffer(x, fs * 5, { sampleRate: fs, channels: 2, truePeak: false });
    expect(Math.abs(r.integrated! + 3.01)).toBeLessThan(0.01);
    expect(r.channels[1]).toEqual({ truePeak: null, samplePeak: null });
  });

  it('default weights: 5.1 without weights equals the explicit BS.1770 weights; LFE is excluded', () => {
    const c = byId('3341-6-6ch');
    const a = generate(c);
    const explicit = measureBuffer(a.data, a.frames, meterOptions(c, a));
    const opts: MeterOptions = { sampleRate: a.sampleRate, channels: 6, truePeak: false };
    expect(measureBuffer(a.data, a.frames, opts)).toEqual(explicit);
    // a loud LFE does not move the loudness, but shows in its peak
    const withLfe = Float32Array.from(a.data);
    for (let n = 0; n < a.frames; n++) withLfe[n * 6 + 3] = 0.5 * Math.sin((2 * Math.PI * 50 * n) / 48000);
    const r = measureBuffer(withLfe, a.frames, opts);
    expect(r.integrated).toBe(explicit.integrated);
    expect(r.channels[3]!.samplePeak!).toBeCloseTo(-6.02, 2);
  });

  it('default weights per channel count, and an error where there is no default', () => {
    expect(defaultChannelWeights(1)).toEqual([1]);
    expect(defaultChannelWeights(2)).toEqual([1, 1]);
    expect(defaultChannelWeights(3)).toEqual([1, 1, 1]);
    expect(defaultChannelWeights(6)).toEqual([1, 1, 1, 0, 1.41, 1.41]);
    expect(defaultChannelWeights(8)).toEqual([1, 1, 1, 0, 1.41, 1.41, 1.41, 1.41]);
    expect(() => new LoudnessMeter({ sampleRate: 48000, channels: 4 })).toThrow(/weights/);
    expect(() => new LoudnessMeter({ sampleRate: 48000, channels: 2, weights: [1] })).toThrow(/weights/);
  });
});

describe('undefined readings are null', () => {
  it('digital silence: every reading null, frames counted', () => {
    const fs = 48000;
    const r = measureBuffer(new Float32Array(fs * 5 * 2), fs * 5, { sampleRate: fs, channels: 2, series: true });
    expect(r).toMatchObject({
      integrated: null,
      lra: null,
      momentaryMax: null,
      shortTermMax: null,
      truePeak: null,
      samplePeak: null,
      frames: fs * 5,
    });
    expect(r.channels).toEqual([
      { truePeak: null, samplePeak: null },
      { truePeak: null, samplePeak: null },
    ]);
    expect(r.series!.length).toBe(50);
    expect(r.series!.every((p) => p.momentary === null && p.shortTerm === null && p.momentaryMax === null)).toBe(true);
  });

  it('no audio at all', () => {
    const r = new LoudnessMeter({ sampleRate: 48000, channels: 2 }).result();
    expect(r).toEqual({
      integrated: null,
      lra: null,
      momentaryMax: null,
      shortTermMax: null,
      truePeak: null,
      samplePeak: null,
      channels: [
        { truePeak: null, samplePeak: null },
        { truePeak: null, samplePeak: null },
      ],
      frames: 0,
    });
  });

  it('shorter than one window: no M (< 400 ms), no S and no LRA (< 3 s)', () => {
    const fs = 48000;
    const short = sineBuffer(fs, 2, 19199, 1000, [0.1, 0.1]);
    const r1 = measureBuffer(short, 19199, { sampleRate: fs, channels: 2 });
    expect(r1.momentaryMax).toBeNull();
    expect(r1.integrated).toBeNull();
    expect(r1.samplePeak!).toBeCloseTo(-20, 2);
    const r2 = measureBuffer(sineBuffer(fs, 2, 19200, 1000, [0.1, 0.1]), 19200, { sampleRate: fs, channels: 2 });
    expect(r2.momentaryMax).not.toBeNull();
    expect(r2.integrated).not.toBeNull();
    expect(r2.shortTermMax).toBeNull();
    expect(r2.lra).toBeNull();
  });

  it('everything below the absolute gate: I and LRA null, M and S still read', () => {
    const fs = 48000;
    const x = sineBuffer(fs, 2, fs * 5, 1000, [Math.pow(10, -80 / 20), Math.pow(10, -80 / 20)]);
    const r = measureBuffer(x, fs * 5, { sampleRate: fs, channels: 2, truePeak: false });
    expect(r.integrated).toBeNull();
    expect(r.lra).toBeNull();
    expect(r.momentaryMax!).toBeCloseTo(-80, 1);
    expect(r.shortTermMax!).toBeCloseTo(-80, 1);
  });

  it('energyToLoudness: null for zero energy, never -Infinity', () => {
    expect(energyToLoudness(0)).toBeNull();
    expect(energyToLoudness(-1e-30)).toBeNull();
    expect(energyToLoudness(1)).toBeCloseTo(-0.691, 12);
  });
});

describe('gating and LRA arithmetic', () => {
  const z = (lufs: number): number => Math.pow(10, (lufs + 0.691) / 10);

  it('integrated: absolute gate at −70 LUFS, then relative gate 10 LU below', () => {
    expect(integratedLoudness([])).toBeNull();
    expect(integratedLoudness([z(-71), z(-80)])).toBeNull();
    // −75 is dropped by the absolute gate; −36 by the relative gate (−23 − 10 = −33)
    expect(integratedLoudness([z(-75), z(-23), z(-23), z(-36)])!).toBeCloseTo(-23, 10);
    // without a block gated: the power mean
    expect(integratedLoudness([z(-20), z(-26)])!).toBeCloseTo(-0.691 + 10 * Math.log10((z(-20) + z(-26)) / 2), 10);
  });

  it('LRA: nearest-rank percentiles on the gated, sorted values, index ⌊(n − 1)·p + 0.5⌋', () => {
    // 100 values at −40 … −21.2 LUFS in 0.2 LU steps, shuffled
    const vals = Array.from({ length: 100 }, (_, i) => -40 + 0.2 * i);
    const rnd = prng(7);
    const shuffled = vals.map((v) => [rnd(), v] as const).sort((a, b) => a[0] - b[0]).map(([, v]) => z(v));
    // relative gate: power mean of all − 20 LU (all pass); 10th: index ⌊9.9 + 0.5⌋ = 10, 95th: ⌊94.05 + 0.5⌋ = 94
    expect(loudnessRange(shuffled)!).toBeCloseTo(vals[94]! - vals[10]!, 10);
    // values 20 LU below the power mean are gated, as are those below −70
    expect(loudnessRange([z(-20), z(-20), z(-45), z(-75)])).toBe(0);
    expect(loudnessRange([z(-75)])).toBeNull();
  });
});

describe('maxima do not depend on the block grid', () => {
  const fs = 48000;
  const amp = Math.pow(10, -23 / 20);

  function burst(offset: number, len: number, total: number): Float32Array {
    const x = new Float32Array(total * 2);
    for (let n = offset; n < offset + len; n++) {
      const v = amp * Math.sin((2 * Math.PI * 1000 * n) / fs);
      x[2 * n] = v;
      x[2 * n + 1] = v;
    }
    return x;
  }

  it('a 400 ms burst at arbitrary sample offsets: max M = −23.0 ± 0.01', () => {
    const rnd = prng(13);
    for (let i = 0; i < 12; i++) {
      const offset = Math.floor(rnd() * 9600);
      const r = measureBuffer(burst(offset, 19200, 48000), 48000, { sampleRate: fs, channels: 2, truePeak: false });
      expect(Math.abs(r.momentaryMax! + 23), `offset ${offset}`).toBeLessThan(0.01);
    }
  });

  it('a 3 s burst at arbitrary sample offsets: max S = −23.0 ± 0.01', () => {
    const rnd = prng(17);
    for (let i = 0; i < 4; i++) {
      const offset = Math.floor(rnd() * 4800);
      const r = measureBuffer(burst(offset, 144000, 168000), 168000, { sampleRate: fs, channels: 2, truePeak: false });
      expect(Math.abs(r.shortTermMax! + 23), `offset ${offset}`).toBeLessThan(0.01);
    }
  });

  it('windows ending in the last, incomplete 100 ms step count (a burst right at the end)', () => {
    const total = 21600; // 0.45 s: the final window ends half-way into the fifth step
    const r = measureBuffer(burst(total - 19200, 19200, total), total, { sampleRate: fs, channels: 2, truePeak: false });
    expect(Math.abs(r.momentaryMax! + 23)).toBeLessThan(0.01);
  });

  it('series: a point every 100 ms, M from 0.4 s, S from 3 s', () => {
    const x = burst(0, 48000 * 4, 48000 * 4);
    const r = measureBuffer(x, 48000 * 4, { sampleRate: fs, channels: 2, truePeak: false, series: true });
    const s = r.series!;
    expect(s.length).toBe(40);
    expect(s.map((p) => p.t)).toEqual(Array.from({ length: 40 }, (_, i) => ((i + 1) * 4800) / 48000));
    expect(s[2]!.momentary).toBeNull();
    expect(s[3]!.momentary!).toBeCloseTo(-23, 1);
    expect(s[28]!.shortTerm).toBeNull();
    expect(s[29]!.shortTerm!).toBeCloseTo(-23, 1);
    for (const p of s) if (p.momentary !== null) expect(p.momentaryMax!).toBeGreaterThanOrEqual(p.momentary);
  });
});

describe('streaming', () => {
  /** 6 channels, 7.3 s: noise with a random envelope, silent gaps, one loud transient. */
  function programme(frames: number): Float32Array {
    const rnd = prng(42);
    const x = new Float32Array(frames * 6);
    let env = 0.1;
    for (let n = 0; n < frames; n++) {
      if (n % 2400 === 0) env = rnd() < 0.2 ? 0 : Math.pow(10, (-40 + 38 * rnd()) / 20);
      for (let c = 0; c < 6; c++) x[n * 6 + c] = env * (rnd() * 2 - 1);
    }
    x[frames * 3 + 1] = 0.99;
    return x;
  }

  const fs = 48000;
  const frames = Math.round(7.3 * fs);
  const data = programme(frames);
  const opts: MeterOptions = { sampleRate: fs, channels: 6, series: true };
  const whole = measureBuffer(data, frames, opts);

  function feed(meter: LoudnessMeter, sizes: number[]): void {
    let at = 0;
    for (const size of sizes) {
      meter.process(data.subarray(at * 6, (at + size) * 6), size);
      at += size;
    }
  }

  function randomSplit(rnd: () => number, maxBlock: number): number[] {
    const sizes: number[] = [];
    let left = frames;
    while (left > 0) {
      const r = rnd();
      const size = Math.min(left, r < 0.05 ? 0 : r < 0.3 ? 1 + Math.floor(rnd() * 64) : 1 + Math.floor(rnd() * maxBlock));
      sizes.push(size);
      left -= size;
    }
    return sizes;
  }

  it('sanity: the programme is measured', () => {
    expect(whole.integrated).not.toBeNull();
    expect(whole.lra).not.toBeNull();
    expect(whole.truePeak!).toBeGreaterThan(whole.samplePeak! - 1e-12);
    expect(whole.series!.length).toBe(73);
  });

  it('random block splits give bit-identical results (property test, 6 seeds)', () => {
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const rnd = prng(seed);
      const meter = new LoudnessMeter(opts);
      feed(meter, randomSplit(rnd, seed % 2 === 0 ? 70000 : 5000));
      const r: LoudnessResult = meter.result();
      expect(r, `seed ${seed}`).toEqual(whole);
    }
  });

  it('result() is a pure read: repeated calls agree and processing may continue', () => {
    const half = Math.floor(frames / 2) + 17;
    const meter = new LoudnessMeter(opts);
    meter.process(data.subarray(0, half * 6), half);
    const a = meter.result();
    expect(meter.result()).toEqual(a);
    expect(a.frames).toBe(half);
    meter.process(data.subarray(half * 6), frames - half);
    expect(meter.result()).toEqual(whole);
  });

  it('true peak on or off does not change the loudness readings', () => {
    const r = measureBuffer(data, frames, { ...opts, truePeak: false });
    expect(r.truePeak).toBeNull();
    expect(r.channels.every((c) => c.truePeak === null)).toBe(true);
    expect({ ...r, truePeak: whole.truePeak, channels: whole.channels }).toEqual(whole);
  });

  it('rejects a buffer shorter than frames × channels, bad frame counts and non-finite samples', () => {
    const meter = new LoudnessMeter({ sampleRate: fs, channels: 2 });
    expect(() => meter.process(new Float32Array(10), 6)).toThrow(/need 12 samples/);
    expect(() => meter.process(new Float32Array(10), -1)).toThrow(/frame count/);
    expect(() => meter.process(new Float32Array(10), 2.5)).toThrow(/frame count/);
    const bad = new Float32Array(200);
    bad[51] = Number.NaN;
    expect(() => new LoudnessMeter({ sampleRate: fs, channels: 2 }).process(bad, 100)).toThrow(/NaN/);
    expect(() => new LoudnessMeter({ sampleRate: 0, channels: 2 })).toThrow(/sample rate/);
  });
});
