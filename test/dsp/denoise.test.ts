import { describe, expect, it } from 'vitest';
import { createDenoiser, learnNoiseProfile, validateDenoise, type DenoiseOptions } from '../../src/renderers/dsp/denoise.ts';
import { denoise as denoiseDef, runProcessorOffline } from '../../src/renderers/processors/restore.ts';
import { prng, sineFit } from '../helpers/signals.ts';

const FS = 48000;

function whiteNoise(n: number, rms: number, seed: number): Float32Array {
  const rnd = prng(seed);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = rms * Math.sqrt(-2 * Math.log(rnd() || 1e-12)) * Math.cos(2 * Math.PI * rnd());
  return x;
}

const A = 0.3; // tone amplitude
const F = 1000;

/** 1 kHz tone of amplitude A plus white noise at `snrDb` (tone power / noise power), and a separate noise-only excerpt. */
function toneInNoise(seconds: number, snrDb: number, seed: number) {
  const n = Math.round(seconds * FS);
  const rms = Math.sqrt((A * A) / 2 / 10 ** (snrDb / 10));
  const x = whiteNoise(n, rms, seed);
  for (let i = 0; i < n; i++) x[i]! += A * Math.sin((2 * Math.PI * F * i) / FS + 0.4);
  return { x, n, noise: whiteNoise(FS / 2, rms, seed + 1000), rms };
}

/** SNR = power of the best-fit 1 kHz sinusoid / power of the residual over [from, to), dB. */
function snrDb(s: ArrayLike<number>, from: number, to: number): number {
  const { a, b } = sineFit(s, F, FS, from, to);
  let tp = 0;
  let rp = 0;
  for (let n = from; n < to; n++) {
    const t = a * Math.cos((2 * Math.PI * F * n) / FS) + b * Math.sin((2 * Math.PI * F * n) / FS);
    tp += t * t;
    rp += (s[n]! - t) ** 2;
  }
  return 10 * Math.log10(tp / rp);
}

function denoiser(profile: ReturnType<typeof learnNoiseProfile>, extra: Partial<DenoiseOptions> = {}) {
  return createDenoiser({ sampleRate: FS, channels: 1, profile, ...extra });
}

describe('denoiser (STFT spectral gating)', () => {
  it('improves the SNR of a 1 kHz tone in white noise (10 dB) by ≥ 10 dB at the default setting', () => {
    const { x, n, noise } = toneInNoise(4, 10, 1);
    const profile = learnNoiseProfile(noise, noise.length, 1, FS);
    const y = runProcessorOffline(denoiser(profile), x, n, 1);
    const from = FS / 2;
    const to = n - FS / 2;
    const before = snrDb(x, from, to);
    const after = snrDb(y, from, to);
    expect(before).toBeCloseTo(10, 0);
    expect(after - before).toBeGreaterThanOrEqual(10);
    // recorded value: drift of the kernel shows here
    expect(after - before).toBeCloseTo(11.53, 1);
  });

  it('attenuates noise alone by about reductionDb', () => {
    const noise = whiteNoise(3 * FS, 0.05, 7);
    const profile = learnNoiseProfile(noise, FS, 1, FS);
    for (const reductionDb of [6, 12, 20]) {
      const y = runProcessorOffline(denoiser(profile, { reductionDb }), noise, noise.length, 1);
      let pin = 0;
      let pout = 0;
      for (let i = FS / 2; i < noise.length - FS / 2; i++) {
        pin += noise[i]! ** 2;
        pout += y[i]! ** 2;
      }
      expect(-10 * Math.log10(pout / pin)).toBeGreaterThan(reductionDb - 1.5);
      expect(-10 * Math.log10(pout / pin)).toBeLessThan(reductionDb + 0.5);
    }
  });

  it('reconstructs the input within 1e-5 with reductionDb 0 (perfect-reconstruction WOLA)', () => {
    const { x, n, noise } = toneInNoise(1, 10, 2);
    const profile = learnNoiseProfile(noise, noise.length, 1, FS);
    const y = runProcessorOffline(denoiser(profile, { reductionDb: 0 }), x, n, 1);
    let maxErr = 0;
    for (let i = 0; i < n; i++) maxErr = Math.max(maxErr, Math.abs(y[i]! - x[i]!));
    expect(maxErr).toBeLessThan(1e-5);
  });

  it('output is independent of the block split', () => {
    const { x, n, noise } = toneInNoise(1, 5, 3);
    const profile = learnNoiseProfile(noise, noise.length, 1, FS);
    const ref = runProcessorOffline(denoiser(profile), x, n, 1);
    const rnd = prng(5);
    for (let trial = 0; trial < 3; trial++) {
      const proc = denoiser(profile);
      const buf = new Float32Array(n + proc.latency);
      buf.set(x);
      for (let f = 0; f < buf.length; ) {
        const len = Math.min(buf.length - f, 1 + Math.floor(rnd() * 3000));
        proc.process(buf.subarray(f), len);
        f += len;
      }
      const out = buf.subarray(proc.latency);
      let diff = -1;
      for (let i = 0; i < n && diff < 0; i++) if (out[i] !== ref[i]) diff = i;
      expect(diff).toBe(-1);
    }
  });

  it('learns the mean windowed power per bin, per channel', () => {
    const frames = FS;
    const st = new Float32Array(2 * frames);
    const l = whiteNoise(frames, 0.1, 8);
    const r = whiteNoise(frames, 0.01, 9);
    for (let i = 0; i < frames; i++) {
      st[2 * i] = l[i]!;
      st[2 * i + 1] = r[i]!;
    }
    const p = learnNoiseProfile(st, frames, 2, FS);
    expect(p.fftSize).toBe(2048);
    expect(p.sampleRate).toBe(FS);
    expect(p.power.length).toBe(2);
    expect(p.power[0]!.length).toBe(1025);
    // white noise of variance σ²: E|X[k]|² = σ²·Σw² = σ²·3N/8
    const mean = (a: number[]) => a.slice(10, 1015).reduce((s, v) => s + v, 0) / 1005;
    expect(mean(p.power[0]!) / (0.01 * 768)).toBeCloseTo(1, 1);
    expect(mean(p.power[1]!) / (0.0001 * 768)).toBeCloseTo(1, 1);
    expect(JSON.parse(JSON.stringify(p))).toEqual(p); // plain data: goes into params and keys
    expect(() => learnNoiseProfile(st, 1000, 2, FS)).toThrow(/fewer than one STFT frame/);
  });

  it('applies a mono profile to every channel and validates its params', () => {
    const noise = whiteNoise(FS, 0.05, 10);
    const profile = learnNoiseProfile(noise, FS, 1, FS);
    const proc = denoiseDef.create({ profile }, { sampleRate: FS, channels: 2 });
    expect(proc.latency).toBe(2048);
    expect(proc.tail).toBe(0);
    const st = new Float32Array(2 * FS);
    for (let i = 0; i < FS; i++) st[2 * i] = st[2 * i + 1] = noise[i]!;
    const y = runProcessorOffline(proc, st, FS, 2);
    const mono = runProcessorOffline(denoiser(profile), noise, FS, 1);
    for (let i = 0; i < FS; i += 101) {
      expect(y[2 * i]).toBe(mono[i]);
      expect(y[2 * i + 1]).toBe(mono[i]);
    }
    const base = { sampleRate: FS, channels: 1, profile };
    expect(validateDenoise(base)).toBeNull();
    expect(validateDenoise({ ...base, sampleRate: 44100 })).toMatch(/learned at 48000 Hz/);
    expect(validateDenoise({ ...base, reductionDb: -3 })).toMatch(/reductionDb/);
    expect(validateDenoise({ ...base, smoothing: { time: -1 } })).toMatch(/smoothing.time/);
    expect(validateDenoise({ ...base, channels: 3, profile: { ...profile, power: [profile.power[0]!, profile.power[0]!] } })).toMatch(
      /2 channels/,
    );
    expect(() => denoiseDef.create({ profile: { ...profile, fftSize: 1000 } }, { sampleRate: FS, channels: 1 })).toThrow(RangeError);
  });
});
