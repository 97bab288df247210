import { describe, expect, it } from 'vitest';
import { createFdnReverb, fdnDelays, validateFdnReverb, type FdnReverbParams } from '../../src/renderers/dsp/reverb-fdn.ts';
import { createEq } from '../../src/renderers/dsp/eq.ts';
import { reverb as reverbProcessor } from '../../src/renderers/processors/reverb.ts';
import { firstDifference, prng } from '../helpers/signals.ts';

const FS = 48000;

/** Impulse response of channel `ch` for an impulse into channel `ch` (wet only). */
function impulseResponse(p: FdnReverbParams, seconds: number, channels = 1, ch = 0, fs = FS): Float32Array {
  const frames = Math.round(seconds * fs);
  const buf = new Float32Array(frames * channels);
  buf[ch] = 1;
  createFdnReverb(p, { sampleRate: fs, channels }).process(buf, frames);
  const out = new Float32Array(frames);
  for (let i = 0; i < frames; i++) out[i] = buf[i * channels + ch]!;
  return out;
}

/**
 * T60 from the energy decay curve (ISO 3382-1): Schroeder backward integration
 * EDC(t) = Σ_{τ ≥ t} h²(τ), a least-squares line through the EDC in dB
 * between −5 and −35 dB (T30), extrapolated to −60 dB.
 */
function t30(h: Float32Array, fs: number): number {
  const edc = new Float64Array(h.length);
  let acc = 0;
  for (let i = h.length - 1; i >= 0; i--) {
    acc += h[i]! * h[i]!;
    edc[i] = acc;
  }
  let sx = 0, sy = 0, sxx = 0, sxy = 0, n = 0;
  for (let i = 0; i < h.length; i++) {
    const d = 10 * Math.log10(edc[i]! / edc[0]!);
    if (d > -5) continue;
    if (d < -35) break;
    const t = i / fs;
    sx += t; sy += d; sxx += t * t; sxy += t * d; n++;
  }
  const slope = (n * sxy - sx * sy) / (n * sxx - sx * sx); // dB per second
  return -60 / slope;
}

describe('reverb (FDN): decay time', () => {
  for (const decaySec of [0.5, 1.5, 3]) {
    for (const size of [0.5, 1, 2]) {
      it(`T30 of the impulse response is within 10 % of T60 = ${decaySec} s (size ${size})`, () => {
        const h = impulseResponse({ decaySec, size, preDelaySec: 0.01 }, 1.5 * decaySec + 0.2);
        const measured = t30(h, FS);
        expect(Math.abs(measured - decaySec) / decaySec, `measured ${measured.toFixed(3)} s`).toBeLessThan(0.1);
      });
    }
  }

  it('holds on every output channel and at 44.1 and 96 kHz', () => {
    for (const fs of [44100, 96000]) {
      for (const ch of [0, 1]) {
        const h = impulseResponse({ decaySec: 1.2 }, 2, 2, ch, fs);
        expect(Math.abs(t30(h, fs) - 1.2) / 1.2).toBeLessThan(0.1);
      }
    }
  });

  it('damping shortens the high-frequency decay and keeps the low-frequency one', () => {
    const decaySec = 2;
    const h = impulseResponse({ decaySec, damping: 0.6 }, 3.2);
    const band = (type: 'lowpass' | 'highpass', freq: number): Float32Array => {
      const y = h.slice();
      createEq([{ type, freq, slope: 48 }], { sampleRate: FS, channels: 1 }).process(y, y.length);
      return y;
    };
    const low = t30(band('lowpass', 300), FS);
    const high = t30(band('highpass', 8000), FS);
    expect(Math.abs(low - decaySec) / decaySec).toBeLessThan(0.1);
    // α = 1 − 0.9·0.6 = 0.46 at Nyquist; at 8–24 kHz the decay lies between α·T60 and T60
    expect(high).toBeLessThan(0.8 * decaySec);
    expect(high).toBeGreaterThan(0.46 * decaySec * 0.9);
  });
});

describe('reverb (FDN): structure and streaming', () => {
  it('delay lengths are distinct primes, increasing, scaled by size and the sample rate', () => {
    const isPrime = (n: number): boolean => {
      for (let k = 2; k * k <= n; k++) if (n % k === 0) return false;
      return n > 1;
    };
    for (const fs of [44100, 48000, 96000]) {
      for (const size of [0.5, 1, 2]) {
        const d = fdnDelays(size, fs);
        expect(d).toHaveLength(8);
        d.forEach((v, i) => {
          expect(isPrime(v)).toBe(true);
          if (i > 0) expect(v).toBeGreaterThan(d[i - 1]!);
        });
        expect(d[0]! / fs).toBeCloseTo(0.0291 * size, 2);
        expect(d[7]! / fs).toBeCloseTo(0.0613 * size, 2);
      }
    }
  });

  it('pre-delay: nothing before pre-delay + the shortest line; dry passes unchanged', () => {
    const pre = 0.025;
    const h = impulseResponse({ decaySec: 1, preDelaySec: pre }, 0.3);
    const first = h.findIndex((v) => v !== 0);
    expect(first).toBe(Math.round(pre * FS) + fdnDelays(1, FS)[0]!);
    const dryOnly = impulseResponse({ decaySec: 1, preDelaySec: pre, dry: 0.5, wet: 0 }, 0.3);
    expect(dryOnly[0]).toBe(0.5);
    expect(dryOnly.slice(1).every((v) => v === 0)).toBe(true);
  });

  it('is deterministic and block-size independent (bit-identical)', () => {
    const rnd = prng(5);
    const frames = 40000;
    const x = new Float32Array(frames * 2);
    for (let i = 0; i < x.length; i++) x[i] = i < 2000 ? rnd() * 2 - 1 : 0;
    const p: FdnReverbParams = { decaySec: 1.3, preDelaySec: 0.012, damping: 0.3, size: 1.4, wet: 0.7, dry: 1 };
    const a = x.slice();
    createFdnReverb(p, { sampleRate: FS, channels: 2 }).process(a, frames);
    const b = x.slice();
    createFdnReverb(p, { sampleRate: FS, channels: 2 }).process(b, frames);
    expect(firstDifference(a, b)).toBe(-1);
    for (const max of [1, 64, 5000]) {
      const c = x.slice();
      const r = createFdnReverb(p, { sampleRate: FS, channels: 2 });
      for (let f = 0; f < frames; ) {
        const n = Math.min(frames - f, 1 + Math.floor(rnd() * max));
        r.process(c.subarray(f * 2, (f + n) * 2), n);
        f += n;
      }
      expect(firstDifference(c, a)).toBe(-1);
    }
  });

  it('stereo outputs are decorrelated; reset restores the initial state', () => {
    const frames = FS;
    const buf = new Float32Array(frames * 2);
    buf[0] = 1;
    buf[1] = 1;
    const r = createFdnReverb({ decaySec: 1 }, { sampleRate: FS, channels: 2 });
    r.process(buf, frames);
    let ll = 0, rr = 0, lr = 0;
    for (let i = 0; i < frames; i++) {
      ll += buf[2 * i]! ** 2;
      rr += buf[2 * i + 1]! ** 2;
      lr += buf[2 * i]! * buf[2 * i + 1]!;
    }
    expect(Math.abs(lr) / Math.sqrt(ll * rr)).toBeLessThan(0.2);
    r.reset();
    const again = new Float32Array(frames * 2);
    again[0] = 1;
    again[1] = 1;
    r.process(again, frames);
    expect(firstDifference(again, buf)).toBe(-1);
  });

  it('tail: the response has decayed by 60 dB after `tail` samples', () => {
    const p: FdnReverbParams = { decaySec: 0.8, preDelaySec: 0.05 };
    const r = createFdnReverb(p, { sampleRate: FS, channels: 1 });
    const h = impulseResponse(p, r.tail / FS + 0.5);
    const rms = (a: number, b: number): number => {
      let e = 0;
      for (let i = a; i < b; i++) e += h[i]! ** 2;
      return Math.sqrt(e / (b - a));
    };
    const start = Math.round(0.05 * FS) + fdnDelays(1, FS)[7]!;
    const w = 2400;
    expect(20 * Math.log10(rms(r.tail - w, r.tail) / rms(start, start + w))).toBeLessThan(-55);
    expect(r.latency).toBe(0);
  });
});

describe('reverb (FDN): validation and processor', () => {
  it.each<[Partial<FdnReverbParams>, RegExp]>([
    [{ decaySec: 0 }, /decay must be above 0 s/],
    [{ decaySec: NaN }, /decay/],
    [{ preDelaySec: -0.1 }, /pre-delay must be 0 s or more/],
    [{ damping: 1.5 }, /damping must be between 0 and 1/],
    [{ size: 3 }, /size must be between 0.5 and 2/],
    [{ wet: Infinity }, /wet gain/],
  ])('%j → %s', (patch, message) => {
    expect(validateFdnReverb({ decaySec: 1, ...patch })).toMatch(message);
    expect(() => createFdnReverb({ decaySec: 1, ...patch }, { sampleRate: FS, channels: 1 })).toThrow(message);
  });

  it('the reverb processor builds the FDN from SI params with wet/dry in dB (dry muted by default)', () => {
    const ctx = { sampleRate: FS, channels: 2 };
    const proc = reverbProcessor.create({ type: 'algorithmic', decaySec: 1, wetDb: -6 }, ctx);
    const direct = createFdnReverb({ decaySec: 1, wet: 10 ** (-6 / 20), dry: 0 }, ctx);
    const a = new Float32Array(20000 * 2);
    a[0] = 1;
    const b = a.slice();
    proc.process(a, 20000);
    direct.process(b, 20000);
    expect(firstDifference(a, b)).toBe(-1);
    expect(proc.tail).toBe(direct.tail);
    const withDry = reverbProcessor.create({ type: 'algorithmic', decaySec: 1, dryDb: 0, wetDb: -100 }, ctx);
    const c = new Float32Array(4);
    c[0] = 0.5;
    withDry.process(c, 2);
    expect(c[0]).toBe(0.5);
    expect(() => reverbProcessor.create({ type: 'algorithmic', decaySec: -1 }, ctx)).toThrow(/decay/);
    expect(() => reverbProcessor.create({ type: 'plate' } as never, ctx)).toThrow(/algorithmic" or "convolution/);
  });
});
