/**
 * Broadband noise reduction by STFT spectral gating against a learned noise
 * profile.
 *
 * Analysis/synthesis (weighted overlap-add). Frames of N = 2048 samples (the
 * profile's fftSize), hop H = N/4 (75 % overlap), periodic Hann analysis
 * window w[n] = ½ − ½·cos(2πn/N) and synthesis window w[n]/S with
 * S = Σ_t w²[n − tH] = 3/8·N/H = 1.5, so that with unit gains the output is
 * the input exactly (to float rounding): y[n] = Σ_t w[n−tH]·(w[n−tH]/S)·x[n].
 *
 * Noise profile. P_N[k] = mean over the frames of a noise-only excerpt of
 * |X[k]|², the power of bin k = 0 … N/2 with the same window.
 *
 * Gain mask, per channel, frame t and bin k:
 *
 *   γ[k]   = |X_t[k]|² / P_N[k]                             (a-posteriori SNR)
 *   γ_f[k] = mean of γ over bins k−b … k+b                  (frequency smoothing:
 *            2b + 1 ≈ smoothing.frequency / (f_s/N) bins)
 *   D_t[k] = α·D_{t−1}[k] + (1 − α)·γ_f[k],  α = e^{−H/(τ·f_s)}   (time smoothing, τ = smoothing.time)
 *   s      = smoothstep((10·log10 D − (θ − 3 dB)) / 6 dB)   (θ = sensitivity, dB above the noise)
 *   G[k]   = g + (1 − g)·s,  g = 10^(−reductionDb/20)
 *
 * Both smoothings act on the detection statistic, not on the signal: they
 * reduce the variance of the noise-only γ (an exponential variable of mean 1
 * per bin) so that isolated bins do not pop open — the "musical noise" of
 * plain spectral subtraction — while bins well above the noise get G = 1
 * exactly, so a steady tone passes untouched. The floor g (a gate, not a
 * subtraction to zero) also keeps the residual noise natural.
 *
 * Streaming. Frames lie on a fixed grid of the absolute sample index; the
 * output is delayed by latency = N samples (2048): output sample n appears
 * when input sample n + N is written. State (input frame, overlap-add
 * accumulator, smoothed statistic D) is explicit, buffers are preallocated and
 * the FFT (fft.js, radix-4) runs in float64, so the output does not depend on
 * the block size.
 */
import FFT from 'fft.js';

export interface NoiseProfile {
  /** Sample rate the profile was learned at, Hz. */
  sampleRate: number;
  /** STFT size N it was learned with (power of two). */
  fftSize: number;
  /** Mean noise power per channel and bin k = 0 … N/2 of the Hann-windowed STFT (plain arrays: JSON-serialisable). */
  power: number[][];
}

export interface LearnNoiseProfileOptions {
  /** STFT size N, a power of two (default 2048). */
  fftSize?: number;
}

export interface DenoiseSmoothing {
  /** Time constant of the recursive smoothing of the detection statistic, s (default 0.05). */
  time?: number;
  /** Width of the frequency smoothing, Hz (default 100). */
  frequency?: number;
}

export interface DenoiseOptions {
  sampleRate: number;
  channels: number;
  /** From learnNoiseProfile; one power spectrum per channel, or one for all channels. */
  profile: NoiseProfile;
  /** Attenuation of noise-only bins, dB ≥ 0 (default 12). 0 = pass-through. */
  reductionDb?: number;
  /** How far above the noise profile (dB) a bin must be to pass untouched (default 6; ±3 dB soft knee). */
  sensitivity?: number;
  smoothing?: DenoiseSmoothing;
}

export interface Denoiser {
  /** Processes `frames` interleaved frames in place. Allocation-free. */
  process(buf: Float32Array, frames: number): void;
  /** Output delay in samples (frames): the STFT size N. */
  readonly latency: number;
  readonly tail: number;
}

export const DENOISE_DEFAULTS = Object.freeze({
  fftSize: 2048,
  reductionDb: 12,
  sensitivity: 6,
  smoothingTime: 0.05,
  smoothingFrequency: 100,
});

/** Width of the soft knee around the sensitivity threshold, dB. */
const KNEE_DB = 6;

function isPow2(n: number): boolean {
  return Number.isInteger(n) && n >= 16 && (n & (n - 1)) === 0;
}

/** Periodic Hann window of length N. */
function hann(N: number): Float64Array {
  const w = new Float64Array(N);
  for (let n = 0; n < N; n++) w[n] = 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / N);
  return w;
}

/**
 * Learns a noise profile from a noise-only excerpt (interleaved samples): the
 * mean power per bin of the same STFT the denoiser uses, per channel.
 * Throws if the excerpt is shorter than one STFT frame.
 */
export function learnNoiseProfile(
  samples: Float32Array,
  frames: number,
  channels: number,
  sampleRate: number,
  opts: LearnNoiseProfileOptions = {},
): NoiseProfile {
  const N = opts.fftSize ?? DENOISE_DEFAULTS.fftSize;
  if (!isPow2(N)) throw new RangeError(`denoise: fftSize must be a power of two ≥ 16 (got ${N})`);
  if (!Number.isInteger(channels) || channels < 1) throw new RangeError(`denoise: channels must be a positive integer (got ${channels})`);
  if (!(sampleRate > 0)) throw new RangeError(`denoise: sample rate must be > 0 (got ${sampleRate})`);
  if (frames * channels > samples.length) throw new RangeError(`denoise: ${frames} frames of ${channels} channels exceed ${samples.length} samples`);
  if (frames < N) throw new RangeError(`denoise: the noise excerpt has ${frames} frames, fewer than one STFT frame (${N})`);
  const H = N / 4;
  const bins = N / 2 + 1;
  const w = hann(N);
  const fft = new FFT(N);
  const frame = new Float64Array(N);
  const spec = new Float64Array(2 * N);
  const power: number[][] = [];
  for (let c = 0; c < channels; c++) {
    const acc = new Float64Array(bins);
    let count = 0;
    for (let start = 0; start + N <= frames; start += H) {
      for (let n = 0; n < N; n++) frame[n] = w[n]! * samples[(start + n) * channels + c]!;
      fft.realTransform(spec, frame);
      for (let k = 0; k < bins; k++) acc[k] = acc[k]! + spec[2 * k]! ** 2 + spec[2 * k + 1]! ** 2;
      count++;
    }
    power.push(Array.from(acc, (v) => v / count));
  }
  return { sampleRate, fftSize: N, power };
}

export function validateDenoise(o: DenoiseOptions): string | null {
  if (!(o.sampleRate > 0)) return `denoise: sample rate must be > 0 (got ${o.sampleRate})`;
  if (!Number.isInteger(o.channels) || o.channels < 1) return `denoise: channels must be a positive integer (got ${o.channels})`;
  const p = o.profile;
  if (!p || !Array.isArray(p.power)) return 'denoise: a noise profile is required';
  if (!isPow2(p.fftSize)) return `denoise: profile fftSize must be a power of two ≥ 16 (got ${p.fftSize})`;
  if (p.sampleRate !== o.sampleRate) return `denoise: profile learned at ${p.sampleRate} Hz, signal is ${o.sampleRate} Hz`;
  if (p.power.length !== 1 && p.power.length !== o.channels) {
    return `denoise: profile has ${p.power.length} channels, signal has ${o.channels}`;
  }
  for (const ch of p.power) {
    if (ch.length !== p.fftSize / 2 + 1) return `denoise: profile spectra must have ${p.fftSize / 2 + 1} bins (got ${ch.length})`;
  }
  const r = o.reductionDb ?? DENOISE_DEFAULTS.reductionDb;
  if (!(r >= 0 && r <= 60)) return `denoise: reductionDb must be in [0, 60] (got ${r})`;
  const s = o.sensitivity ?? DENOISE_DEFAULTS.sensitivity;
  if (!(s >= -20 && s <= 40)) return `denoise: sensitivity must be in [-20, 40] dB (got ${s})`;
  const t = o.smoothing?.time ?? DENOISE_DEFAULTS.smoothingTime;
  if (!(t >= 0 && t <= 10)) return `denoise: smoothing.time must be in [0, 10] s (got ${t})`;
  const f = o.smoothing?.frequency ?? DENOISE_DEFAULTS.smoothingFrequency;
  if (!(f >= 0 && f <= o.sampleRate / 4)) return `denoise: smoothing.frequency must be in [0, ${o.sampleRate / 4}] Hz (got ${f})`;
  return null;
}

export function createDenoiser(o: DenoiseOptions): Denoiser {
  const err = validateDenoise(o);
  if (err) throw new RangeError(err);
  const fs = o.sampleRate;
  const C = o.channels;
  const N = o.profile.fftSize;
  const H = N / 4;
  const bins = N / 2 + 1;
  const g = 10 ** (-(o.reductionDb ?? DENOISE_DEFAULTS.reductionDb) / 20);
  const thrLoDb = (o.sensitivity ?? DENOISE_DEFAULTS.sensitivity) - KNEE_DB / 2;
  const dLo = 10 ** (thrLoDb / 10); // below: G = g
  const dHi = 10 ** ((thrLoDb + KNEE_DB) / 10); // above: G = 1
  const tau = o.smoothing?.time ?? DENOISE_DEFAULTS.smoothingTime;
  const alpha = tau > 0 ? Math.exp(-H / (tau * fs)) : 0;
  const b = Math.max(0, Math.round(((o.smoothing?.frequency ?? DENOISE_DEFAULTS.smoothingFrequency) * N) / fs / 2 - 0.5));

  const wa = hann(N);
  const S = 1.5; // Σ_t w²[n − tH] for the periodic Hann window at 75 % overlap
  const ws = new Float64Array(N);
  for (let n = 0; n < N; n++) ws[n] = wa[n]! / S;
  const noise: Float64Array[] = [];
  for (let c = 0; c < C; c++) {
    const src = o.profile.power[o.profile.power.length === 1 ? 0 : c]!;
    noise.push(Float64Array.from(src, (v) => Math.max(v, 1e-30)));
  }

  const fft = new FFT(N);
  const inBuf: Float64Array[] = [];
  const ola: Float64Array[] = [];
  const outQ: Float64Array[] = [];
  const stat: Float64Array[] = [];
  for (let c = 0; c < C; c++) {
    inBuf.push(new Float64Array(N));
    ola.push(new Float64Array(N));
    outQ.push(new Float64Array(H));
    stat.push(new Float64Array(bins));
  }
  const frame = new Float64Array(N);
  const spec = new Float64Array(2 * N);
  const td = new Float64Array(2 * N);
  const gam = new Float64Array(bins);
  const st = new Float64Array(1); // position within the hop

  function runFrame(c: number): void {
    const x = inBuf[c]!;
    const nz = noise[c]!;
    const D = stat[c]!;
    for (let n = 0; n < N; n++) frame[n] = wa[n]! * x[n]!;
    fft.realTransform(spec, frame);
    if (g < 1) {
      for (let k = 0; k < bins; k++) gam[k] = (spec[2 * k]! ** 2 + spec[2 * k + 1]! ** 2) / nz[k]!;
      // frequency smoothing by a running sum over k−b … k+b (clipped at the band edges)
      let sum = 0;
      let lo = 0;
      let hi = -1;
      for (let k = 0; k < bins; k++) {
        const a = Math.max(0, k - b);
        const z = Math.min(bins - 1, k + b);
        while (hi < z) sum += gam[++hi]!;
        while (lo < a) sum -= gam[lo++]!;
        const gf = sum / (z - a + 1);
        const d = alpha * D[k]! + (1 - alpha) * gf;
        D[k] = d;
        let G = g;
        if (d >= dHi) G = 1;
        else if (d > dLo) {
          const s = (10 * Math.log10(d) - thrLoDb) / KNEE_DB;
          G = g + (1 - g) * s * s * (3 - 2 * s);
        }
        spec[2 * k] = spec[2 * k]! * G;
        spec[2 * k + 1] = spec[2 * k + 1]! * G;
      }
    }
    fft.completeSpectrum(spec);
    fft.inverseTransform(td, spec);
    const y = ola[c]!;
    for (let n = 0; n < N; n++) y[n] = y[n]! + ws[n]! * td[2 * n]!;
    const q = outQ[c]!;
    for (let n = 0; n < H; n++) q[n] = y[n]!;
    y.copyWithin(0, H);
    y.fill(0, N - H);
    x.copyWithin(0, H);
  }

  function process(buf: Float32Array, frames: number): void {
    if (frames * C > buf.length) throw new RangeError(`denoise: ${frames} frames of ${C} channels exceed a buffer of ${buf.length}`);
    let pos = st[0]!;
    for (let f = 0, i = 0; f < frames; f++, i += C) {
      for (let c = 0; c < C; c++) {
        inBuf[c]![N - H + pos] = buf[i + c]!;
        buf[i + c] = outQ[c]![pos]!;
      }
      if (++pos === H) {
        for (let c = 0; c < C; c++) runFrame(c);
        pos = 0;
      }
    }
    st[0] = pos;
  }

  return { process, latency: N, tail: 0 };
}
