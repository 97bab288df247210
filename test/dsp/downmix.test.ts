import { describe, expect, it } from 'vitest';
import {
  applyMatrix,
  createLtRtEncoder,
  designPhaseSplitter,
  DownmixError,
  downmixMatrix,
  type DownmixOptions,
} from '../../src/renderers/dsp/downmix.ts';
import { LAYOUT_NAMES, LAYOUTS, type LayoutName } from '../../src/renderers/dsp/layouts.ts';
import { prng } from '../helpers/signals.ts';

const H = Math.SQRT1_2;

/** Downmixes one frame given as { label: value }. */
function frame(from: LayoutName, to: LayoutName, values: Record<string, number>, opts?: DownmixOptions): number[] {
  const inL = LAYOUTS[from];
  const input = new Float32Array(inL.channels);
  for (const [label, v] of Object.entries(values)) input[inL.labels.indexOf(label)] = v;
  const output = new Float32Array(LAYOUTS[to].channels);
  applyMatrix(input, inL.channels, output, LAYOUTS[to].channels, downmixMatrix(from, to, opts), 1);
  return Array.from(output);
}

/** Row `label` of a matrix as { inputLabel: coefficient } (zeros left out). */
function row(from: LayoutName, to: LayoutName, out: string, opts?: DownmixOptions): Record<string, number> {
  const m = downmixMatrix(from, to, opts);
  const inL = LAYOUTS[from];
  const o = LAYOUTS[to].labels.indexOf(out);
  const r: Record<string, number> = {};
  inL.labels.forEach((l, i) => {
    const c = m[o * inL.channels + i]!;
    if (c !== 0) r[l] = c;
  });
  return r;
}

describe('downmixMatrix', () => {
  it('5.1 → Lo/Ro is BS.775 with 1/√2 defaults, LFE discarded', () => {
    expect(row('5.1', 'stereo', 'L')).toEqual({ L: 1, C: H, Ls: H });
    expect(row('5.1', 'stereo', 'R')).toEqual({ R: 1, C: H, Rs: H });
    expect(frame('5.1', 'stereo', { C: 1 })).toEqual([Math.fround(H), Math.fround(H)]);
    expect(frame('5.1', 'stereo', { Ls: 1 })).toEqual([Math.fround(H), 0]);
    expect(frame('5.1', 'stereo', { LFE: 1 })).toEqual([0, 0]);
    expect(frame('5.1', 'stereo', { L: 0.25, R: -0.5 })).toEqual([0.25, -0.5]);
  });

  it('explicit dB options mean exactly 10^(dB/20); −Infinity turns a channel off', () => {
    const g3 = 10 ** (-3 / 20); // 0.70795, not 1/√2
    expect(g3).not.toBe(H);
    expect(row('5.1', 'stereo', 'L', { centerDb: -3 })).toEqual({ L: 1, C: g3, Ls: H });
    expect(row('5.1', 'stereo', 'L', { surroundDb: -6 })).toEqual({ L: 1, C: H, Ls: 10 ** (-6 / 20) });
    expect(row('5.1', 'stereo', 'L', { centerDb: 0, surroundDb: -Infinity })).toEqual({ L: 1, C: 1 });
    expect(row('5.1', 'stereo', 'L', { lfeDb: 0 })).toEqual({ L: 1, C: H, LFE: 1, Ls: H });
    expect(row('5.1', 'stereo', 'R', { lfeDb: -10 })).toEqual({ R: 1, C: H, LFE: 10 ** (-10 / 20), Rs: H });
    expect(row('5.1', 'stereo', 'L', { lfeDb: null })).toEqual({ L: 1, C: H, Ls: H });
  });

  it('7.1 → 5.1: L R C LFE kept, sides and rears sum into Ls/Rs at unity', () => {
    expect(row('7.1', '5.1', 'L')).toEqual({ L: 1 });
    expect(row('7.1', '5.1', 'C')).toEqual({ C: 1 });
    expect(row('7.1', '5.1', 'LFE')).toEqual({ LFE: 1 });
    expect(row('7.1', '5.1', 'Ls')).toEqual({ Lrs: 1, Lss: 1 });
    expect(row('7.1', '5.1', 'Rs')).toEqual({ Rrs: 1, Rss: 1 });
    // the stereo fold levels do not apply: C and LFE have somewhere to go
    expect(downmixMatrix('7.1', '5.1', { centerDb: -6, lfeDb: null })).toEqual(downmixMatrix('7.1', '5.1'));
  });

  it('7.1 → 5.1 preserves the power of one surround channel and of uncorrelated side + rear content', () => {
    const fs = 48000;
    const n = fs; // 1 s: whole periods of 440 Hz
    const inp = new Float32Array(n * 8);
    const next = prng(7);
    const noise = new Float32Array(n * 8);
    for (let i = 0; i < n; i++) {
      inp[i * 8 + 6] = Math.sin((2 * Math.PI * 440 * i) / fs); // Lss
      inp[i * 8 + 4] = Math.cos((2 * Math.PI * 440 * i) / fs); // Lrs, orthogonal
      inp[i * 8 + 7] = 0.5 * Math.sin((2 * Math.PI * 440 * i) / fs); // Rss alone
      noise[i * 8 + 5] = next() - 0.5; // Rrs
      noise[i * 8 + 7] = next() - 0.5; // Rss, independent
    }
    const out = new Float32Array(n * 6);
    applyMatrix(inp, 8, out, 6, downmixMatrix('7.1', '5.1'), n);
    const pw = (b: Float32Array, ch: number, stride: number) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += b[i * stride + ch]! ** 2;
      return s;
    };
    expect(pw(out, 4, 6) / (pw(inp, 6, 8) + pw(inp, 4, 8))).toBeCloseTo(1, 5);
    expect(pw(out, 5, 6) / pw(inp, 7, 8)).toBe(1);
    const outN = new Float32Array(n * 6);
    applyMatrix(noise, 8, outN, 6, downmixMatrix('7.1', '5.1'), n);
    expect(pw(outN, 5, 6) / (pw(noise, 5, 8) + pw(noise, 7, 8))).toBeCloseTo(1, 1.5);
  });

  it('7.1 → Lo/Ro is 7.1 → 5.1 → Lo/Ro', () => {
    expect(row('7.1', 'stereo', 'L')).toEqual({ L: 1, C: H, Lrs: H, Lss: H });
    expect(row('7.1', 'stereo', 'R', { lfeDb: -3 })).toEqual({ R: 1, C: H, LFE: 10 ** (-3 / 20), Rrs: H, Rss: H });
  });

  it('mono folds: BS.775 M = 0.7071·(L + R) + C + 0.5·(Ls + Rs)', () => {
    const close = (r: Record<string, number>, want: Record<string, number>) => {
      expect(Object.keys(r).sort()).toEqual(Object.keys(want).sort());
      for (const k of Object.keys(want)) expect(r[k]).toBeCloseTo(want[k]!, 15);
    };
    expect(row('stereo', 'mono', 'C')).toEqual({ L: H, R: H });
    close(row('LCR', 'mono', 'C'), { L: H, R: H, C: 1 });
    close(row('5.1', 'mono', 'C'), { L: H, R: H, C: 1, Ls: 0.5, Rs: 0.5 });
    close(row('7.1', 'mono', 'C'), { L: H, R: H, C: 1, Lrs: 0.5, Rrs: 0.5, Lss: 0.5, Rss: 0.5 });
    close(row('5.1', 'mono', 'C', { lfeDb: 0 }), { L: H, R: H, C: 1, LFE: 2 * H, Ls: 0.5, Rs: 0.5 });
    expect(frame('5.1', 'mono', { LFE: 1 })).toEqual([0]);
  });

  it('LCR → Lo/Ro and 5.1 → LCR', () => {
    expect(row('LCR', 'stereo', 'L')).toEqual({ L: 1, C: H });
    expect(row('LCR', 'stereo', 'R', { centerDb: -6 })).toEqual({ R: 1, C: 10 ** (-6 / 20) });
    expect(row('5.1', 'LCR', 'L')).toEqual({ L: 1, Ls: H });
    expect(row('5.1', 'LCR', 'C')).toEqual({ C: 1 });
  });

  it('from === to is the identity', () => {
    for (const name of LAYOUT_NAMES) {
      const n = LAYOUTS[name].channels;
      const m = downmixMatrix(name, name, { centerDb: -6 });
      for (let o = 0; o < n; o++) for (let i = 0; i < n; i++) expect(m[o * n + i]).toBe(o === i ? 1 : 0);
    }
  });

  it('every downward pair composes along the chain', () => {
    for (let f = 0; f < LAYOUT_NAMES.length; f++) {
      for (let t = 0; t < f; t++) {
        const from = LAYOUT_NAMES[f]!;
        const to = LAYOUT_NAMES[t]!;
        expect(downmixMatrix(from, to)).toHaveLength(LAYOUTS[from].channels * LAYOUTS[to].channels);
      }
    }
  });

  it('refuses upmixes with a typed error', () => {
    for (const [from, to] of [
      ['mono', '5.1'],
      ['stereo', '5.1'],
      ['5.1', '7.1'],
      ['mono', 'stereo'],
    ] as const) {
      let err: unknown;
      try {
        downmixMatrix(from, to);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(DownmixError);
      expect((err as DownmixError).code).toBe('upmix');
      expect((err as DownmixError).message).toMatch(/upmix.*not a downmix/);
    }
  });

  it('refuses bad levels with a typed error', () => {
    for (const opts of [{ centerDb: Number.NaN }, { surroundDb: Infinity }, { lfeDb: Number.NaN }] as DownmixOptions[]) {
      expect(() => downmixMatrix('5.1', 'stereo', opts)).toThrow(DownmixError);
    }
    try {
      downmixMatrix('5.1', 'stereo', { centerDb: Number.NaN });
    } catch (e) {
      expect((e as DownmixError).code).toBe('bad-option');
    }
  });
});

describe('applyMatrix', () => {
  it('computes out[o] = Σ m[o·inCh + i]·in[i] per frame and overwrites the output', () => {
    const input = Float32Array.of(1, 2, 3, 4, 5, 6); // 2 frames × 3 ch
    const m = Float64Array.of(1, 0, 0.5, 0, 1, -1); // 2 × 3
    const out = new Float32Array(4).fill(99);
    applyMatrix(input, 3, out, 2, m, 2);
    expect(Array.from(out)).toEqual([2.5, -1, 7, -1]);
  });

  it('gives the same result for any block split', () => {
    const next = prng(3);
    const frames = 5000;
    const input = new Float32Array(frames * 8).map(() => next() * 2 - 1);
    const m = downmixMatrix('7.1', 'stereo', { lfeDb: -6 });
    const whole = new Float32Array(frames * 2);
    applyMatrix(input, 8, whole, 2, m, frames);
    const split = new Float32Array(frames * 2);
    for (let pos = 0; pos < frames; ) {
      const n = Math.min(frames - pos, 1 + Math.floor(next() * 700));
      applyMatrix(input.subarray(pos * 8), 8, split.subarray(pos * 2), 2, m, n);
      pos += n;
    }
    expect(split).toEqual(whole);
  });

  it('checks sizes and refuses to run in place', () => {
    const m = downmixMatrix('5.1', 'stereo');
    expect(() => applyMatrix(new Float32Array(6), 6, new Float32Array(2), 2, m, 2)).toThrow(/input/);
    expect(() => applyMatrix(new Float32Array(12), 6, new Float32Array(2), 2, m, 2)).toThrow(/output/);
    expect(() => applyMatrix(new Float32Array(6), 6, new Float32Array(2), 2, new Float64Array(3), 1)).toThrow(/matrix/);
    const buf = new Float32Array(12);
    expect(() => applyMatrix(buf, 6, buf.subarray(6), 2, m, 1)).toThrow(/in place/);
  });
});

// ---- Lt/Rt ---------------------------------------------------------------------------------------

/** Amplitude and phase (degrees) of the `f` Hz component of channel `ch`, over [start, start + len) frames. */
function tone(buf: Float32Array, stride: number, ch: number, f: number, fs: number, start: number, len: number) {
  let i = 0;
  let q = 0;
  for (let n = start; n < start + len; n++) {
    const w = (2 * Math.PI * f * n) / fs;
    i += buf[n * stride + ch]! * Math.sin(w);
    q += buf[n * stride + ch]! * Math.cos(w);
  }
  return { amp: (2 * Math.hypot(i, q)) / len, phase: (Math.atan2(q, i) * 180) / Math.PI };
}

function wrapDeg(d: number): number {
  return ((((d + 180) % 360) + 360) % 360) - 180;
}

/** 5.1 signal with a sine of `f` Hz, amplitude `a`, on the given labels; 1.5 s. */
function sine51(labels: string[], f: number, fs: number, a = 0.5): Float32Array {
  const n = Math.round(1.5 * fs);
  const buf = new Float32Array(n * 6);
  const idx = labels.map((l) => LAYOUTS['5.1'].labels.indexOf(l));
  for (let k = 0; k < n; k++) {
    const x = a * Math.sin((2 * Math.PI * f * k) / fs);
    for (const c of idx) buf[k * 6 + c] = x;
  }
  return buf;
}

function encode(input: Float32Array, fs: number, opts: DownmixOptions = {}): Float32Array {
  const enc = createLtRtEncoder({ sampleRate: fs, ...opts });
  const frames = input.length / 6;
  const out = new Float32Array(frames * 2);
  enc.process(input, out, frames);
  return out;
}

describe('createLtRtEncoder', () => {
  it('puts surround-only content in exact antiphase in Lt and Rt', () => {
    const fs = 48000;
    const next = prng(11);
    const frames = 20000;
    for (const labels of [['Ls', 'Rs'], ['Ls'], ['Rs']]) {
      const input = new Float32Array(frames * 6);
      for (let k = 0; k < frames; k++) {
        const x = next() - 0.5;
        for (const l of labels) input[k * 6 + LAYOUTS['5.1'].labels.indexOf(l)] = x;
      }
      const out = encode(input, fs);
      let energy = 0;
      let mismatches = 0;
      for (let k = 0; k < frames; k++) {
        if (out[k * 2] !== -out[k * 2 + 1]!) mismatches++;
        energy += out[k * 2]! ** 2;
      }
      expect(mismatches).toBe(0);
      expect(energy).toBeGreaterThan(0);
    }
  });

  it('puts centre content in phase in Lt and Rt, and L only in Lt', () => {
    const fs = 48000;
    const c = encode(sine51(['C'], 300, fs), fs);
    let mismatches = 0;
    for (let k = 0; k < c.length; k += 2) if (c[k] !== c[k + 1]) mismatches++;
    expect(mismatches).toBe(0);
    const l = encode(sine51(['L'], 300, fs), fs);
    let leak = 0;
    for (let k = 1; k < l.length; k += 2) if (l[k] !== 0) leak++;
    expect(leak).toBe(0);
    expect(tone(l, 2, 0, 300, fs, fs / 2, fs).amp).toBeCloseTo(0.5, 4); // allpass: magnitude kept
  });

  it('discards the LFE by default and folds it with lfeDb', () => {
    const fs = 48000;
    const off = encode(sine51(['LFE'], 60, fs), fs);
    expect(off.every((x) => x === 0)).toBe(true);
    const on = encode(sine51(['LFE'], 60, fs), fs, { lfeDb: 0 });
    expect(tone(on, 2, 0, 60, fs, fs / 2, fs).amp).toBeCloseTo(0.5, 3);
  });

  for (const fs of [44100, 48000, 96000]) {
    for (const f of [100, 1000, 10000]) {
      it(`shifts the surround 90° ± 2° against the front at ${f} Hz (fs ${fs})`, () => {
        const front = encode(sine51(['C'], f, fs), fs);
        const surr = encode(sine51(['Ls'], f, fs), fs);
        const start = Math.round(fs / 2);
        const len = fs; // 1 s: whole periods
        const fl = tone(front, 2, 0, f, fs, start, len);
        const fr = tone(front, 2, 1, f, fs, start, len);
        const sl = tone(surr, 2, 0, f, fs, start, len);
        const sr = tone(surr, 2, 1, f, fs, start, len);
        // Lt = … − 0.707·j·S: the surround lags the front by 90° in Lt and leads it in Rt
        const dl = wrapDeg(sl.phase - fl.phase);
        const dr = wrapDeg(sr.phase - fr.phase);
        expect(Math.abs(dl + 90)).toBeLessThanOrEqual(2); // spec tolerance
        expect(Math.abs(dr - 90)).toBeLessThanOrEqual(2);
        const design = designPhaseSplitter(fs).maxErrorDeg;
        expect(Math.abs(dl + 90)).toBeLessThanOrEqual(design + 0.01); // design tolerance
        // both paths at 1/√2 of the 0.5 input
        for (const t of [fl, fr, sl, sr]) expect(t.amp).toBeCloseTo(0.5 * H, 4);
      });
    }
  }

  it('gives the same output for any block split, and resets to silence', () => {
    const fs = 48000;
    const next = prng(5);
    const frames = 30000;
    const input = new Float32Array(frames * 6).map(() => next() * 2 - 1);
    const whole = encode(input, fs);
    const enc = createLtRtEncoder({ sampleRate: fs });
    const split = new Float32Array(frames * 2);
    for (let pos = 0; pos < frames; ) {
      const n = Math.min(frames - pos, 1 + Math.floor(next() * 900));
      enc.process(input.subarray(pos * 6), split.subarray(pos * 2), n);
      pos += n;
    }
    expect(split).toEqual(whole);
    enc.reset();
    const again = new Float32Array(frames * 2);
    enc.process(input, again, frames);
    expect(again).toEqual(whole);
  });

  it('checks buffer sizes and options', () => {
    const enc = createLtRtEncoder({ sampleRate: 48000 });
    expect(() => enc.process(new Float32Array(6), new Float32Array(4), 2)).toThrow(/input/);
    expect(() => enc.process(new Float32Array(12), new Float32Array(2), 2)).toThrow(/output/);
    expect(() => createLtRtEncoder({ sampleRate: 0 })).toThrow(DownmixError);
    expect(() => createLtRtEncoder({ sampleRate: 48000, centerDb: Number.NaN })).toThrow(DownmixError);
  });
});

describe('designPhaseSplitter', () => {
  /** arg of Π (a + e^{−jω})/(1 + a·e^{−jω}) at ω, radians (unwrapped per section). */
  function phase(coefs: Float64Array, w: number): number {
    let p = 0;
    for (const a of coefs) {
      const num = Math.atan2(-Math.sin(w), a + Math.cos(w));
      const den = Math.atan2(-a * Math.sin(w), 1 + a * Math.cos(w));
      p += num - den;
    }
    return p;
  }

  for (const fs of [32000, 44100, 48000, 96000, 192000]) {
    it(`is within its design error over fLow–fHigh, equiripple, evaluated on the digital response (fs ${fs})`, () => {
      const d = designPhaseSplitter(fs);
      expect(d.maxErrorDeg).toBeLessThanOrEqual(0.25);
      expect(d.fLow).toBe(40);
      expect(d.fHigh).toBeGreaterThanOrEqual(15000);
      for (const a of [...d.reference, ...d.quadrature]) expect(Math.abs(a)).toBeLessThan(1); // stable
      let worst = 0;
      const steps = 4000;
      for (let k = 0; k <= steps; k++) {
        const f = d.fLow * (d.fHigh / d.fLow) ** (k / steps);
        const w = (2 * Math.PI * f) / fs;
        const diff = ((phase(d.quadrature, w) - phase(d.reference, w)) * 180) / Math.PI;
        worst = Math.max(worst, Math.abs(wrapDeg(diff) + 90));
      }
      expect(worst).toBeLessThanOrEqual(d.maxErrorDeg + 1e-9);
      expect(worst).toBeGreaterThan(d.maxErrorDeg * 0.99); // the error is reached: equiripple, no slack
    });
  }

  it('matches the recorded 48 kHz coefficients', () => {
    const d = designPhaseSplitter(48000);
    expect(d.sections).toBe(6);
    expect(d.maxErrorDeg).toBeCloseTo(0.125, 3);
    const ref = [-0.99398435, -0.97451529, -0.90755158, -0.6937348, -0.17866429, 0.67642944];
    const quad = [-0.9982511, -0.98706958, -0.95107268, -0.82888306, -0.4800271, 0.2009704];
    ref.forEach((x, i) => expect(d.reference[i]).toBeCloseTo(x, 8));
    quad.forEach((x, i) => expect(d.quadrature[i]).toBeCloseTo(x, 8));
  });

  it('adds sections for a tighter error or a wider band', () => {
    expect(designPhaseSplitter(48000, { maxErrorDeg: 0.01 }).sections).toBeGreaterThan(6);
    expect(designPhaseSplitter(48000, { fLow: 10 }).sections).toBeGreaterThanOrEqual(6);
    expect(() => designPhaseSplitter(48000, { fLow: 100, fHigh: 50 })).toThrow(DownmixError);
    expect(() => designPhaseSplitter(48000, { fHigh: 24000 })).toThrow(DownmixError);
  });
});
