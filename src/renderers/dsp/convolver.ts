/**
 * Zero-latency convolution with a long impulse response: a direct-form head
 * followed by stages of uniformly partitioned overlap-save FFT convolution,
 * each with its own frequency-domain delay line (FDL), in the manner of
 * W. G. Gardner, "Efficient convolution without input-output delay", JAES
 * 43(3), 1995, computed offline (no real-time deadline, so a stage of block
 * size b can start at IR offset b).
 *
 * One uniform stage, block size b, covering IR samples [b, e): cut
 * h into partitions h_k = h[kb … kb+b−1], k = 1 … e/b − 1, the input into
 * blocks x_j of b samples. Overlap-save with FFT size 2b gives output block
 *
 *   y_{j+1} += last b of IFFT( Σ_k X_{j+1−k} · H_k ),
 *   X_m = FFT([x_{m−1}, x_m]),   H_k = FFT([h_k, 0 … 0]),
 *
 * where every X needed (k ≥ 1) is complete when block j ends: the stage adds
 * nothing to latency. X_j is pushed into the stage's FDL once per block.
 *
 * The stages have block sizes b_1 < b_2 < … (powers of two, each 8× the
 * previous): stage i covers [b_i, b_{i+1}), the last one [b_m, L). The head
 * [0, b_1) is a direct dot product, y_head[n] = Σ_{i<b_1} h[i]·x[n−i]. A single
 * stage would need a head as long as its block (b multiply-adds per sample);
 * stacking stages keeps both the head and each FDL short. Sizes come from a
 * cost model (per sample: 4·(e − b)/b for the spectral products of a stage,
 * 10·log2(2b) for its two FFTs; a stage is split while that lowers the sum),
 * or one stage of `partitionSize` is used if given (plain uniform partitioning).
 *
 * FFT work happens at fixed absolute positions (multiples of each b), so the
 * output does not depend on how the caller splits the signal into blocks.
 * Partitions that are entirely zero (a pre-delay padded in front of the IR)
 * are skipped. All arithmetic is float64; latency is 0.
 *
 * The FFT is an iterative radix-2 complex FFT; real transforms of size
 * N = 2b use one complex transform of size M = N/2 on the even/odd samples
 * packed as z[n] = x[2n] + i·x[2n+1], then
 *
 *   X[k] = Fe[k] + W^k·Fo[k],  Fe[k] = (Z[k] + Z*[M−k])/2,  Fo[k] = (Z[k] − Z*[M−k])/(2i),
 *   W = e^(−2πi/N),  k = 0 … M,
 *
 * and the inverse undoes these steps (Fe = (X[k] + X*[M−k])/2, Fo = (X[k] − X*[M−k])·W^−k/2).
 */

/** Forward and inverse real FFT of a fixed power-of-two size; allocation-free after construction. */
export class RealFft {
  readonly size: number;
  private readonly m: number;
  private readonly rev: Uint32Array;
  private readonly cosM: Float64Array; // cos(2πk/M), k < M/2
  private readonly sinM: Float64Array; // sin(2πk/M)
  private readonly cosN: Float64Array; // cos(2πk/N), k ≤ M
  private readonly sinN: Float64Array; // sin(2πk/N)
  private readonly re: Float64Array;
  private readonly im: Float64Array;

  constructor(size: number) {
    if (!(Number.isInteger(size) && size >= 4 && (size & (size - 1)) === 0)) throw new RangeError(`fft: size must be a power of two ≥ 4, got ${size}`);
    this.size = size;
    const m = size / 2;
    this.m = m;
    const bits = Math.log2(m);
    this.rev = new Uint32Array(m);
    for (let i = 0; i < m; i++) {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
      this.rev[i] = r;
    }
    this.cosM = new Float64Array(Math.max(1, m / 2));
    this.sinM = new Float64Array(Math.max(1, m / 2));
    for (let k = 0; k < m / 2; k++) {
      this.cosM[k] = Math.cos((2 * Math.PI * k) / m);
      this.sinM[k] = Math.sin((2 * Math.PI * k) / m);
    }
    this.cosN = new Float64Array(m + 1);
    this.sinN = new Float64Array(m + 1);
    for (let k = 0; k <= m; k++) {
      this.cosN[k] = Math.cos((2 * Math.PI * k) / size);
      this.sinN[k] = Math.sin((2 * Math.PI * k) / size);
    }
    this.re = new Float64Array(m);
    this.im = new Float64Array(m);
  }

  /** In-place complex FFT of size M on this.re/this.im (input in natural order); sign −1 forward, +1 inverse (unscaled). */
  private complex(sign: number): void {
    const { m, rev, re, im, cosM, sinM } = this;
    for (let i = 0; i < m; i++) {
      const j = rev[i]!;
      if (j > i) {
        const tr = re[i]!; re[i] = re[j]!; re[j] = tr;
        const ti = im[i]!; im[i] = im[j]!; im[j] = ti;
      }
    }
    for (let len = 2; len <= m; len <<= 1) {
      const half = len >> 1;
      const step = m / len;
      for (let start = 0; start < m; start += len) {
        for (let j = 0, t = 0; j < half; j++, t += step) {
          const wr = cosM[t]!;
          const wi = sign * sinM[t]!;
          const a = start + j;
          const b = a + half;
          const br = re[b]!, bi = im[b]!;
          const xr = wr * br - wi * bi;
          const xi = wr * bi + wi * br;
          re[b] = re[a]! - xr; im[b] = im[a]! - xi;
          re[a] = re[a]! + xr; im[a] = im[a]! + xi;
        }
      }
    }
  }

  /** X = FFT(x): x has `size` samples; outRe/outIm receive bins 0 … size/2. */
  forward(x: Float64Array, outRe: Float64Array, outIm: Float64Array): void {
    const { m, re, im, cosN, sinN } = this;
    for (let n = 0; n < m; n++) {
      re[n] = x[2 * n]!;
      im[n] = x[2 * n + 1]!;
    }
    this.complex(-1);
    for (let k = 0; k <= m; k++) {
      const a = k === m ? 0 : k;
      const b = k === 0 ? 0 : m - k;
      const ar = re[a]!, ai = im[a]!, br = re[b]!, bi = im[b]!;
      const feR = (ar + br) / 2, feI = (ai - bi) / 2;
      const foR = (ai + bi) / 2, foI = (br - ar) / 2;
      const wr = cosN[k]!, wi = -sinN[k]!;
      outRe[k] = feR + wr * foR - wi * foI;
      outIm[k] = feI + wr * foI + wi * foR;
    }
  }

  /** x = IFFT(X) (scaled by 1/size): bins 0 … size/2 in, `size` real samples out. */
  inverse(inRe: Float64Array, inIm: Float64Array, x: Float64Array): void {
    const { m, re, im, cosN, sinN } = this;
    for (let k = 0; k < m; k++) {
      const ar = inRe[k]!, ai = inIm[k]!, br = inRe[m - k]!, bi = -inIm[m - k]!; // X[k], X*[M−k]
      const feR = (ar + br) / 2, feI = (ai + bi) / 2;
      const dR = (ar - br) / 2, dI = (ai - bi) / 2;
      const wr = cosN[k]!, wi = sinN[k]!; // W^−k
      const foR = dR * wr - dI * wi, foI = dR * wi + dI * wr;
      re[k] = feR - foI; // Z = Fe + i·Fo
      im[k] = feI + foR;
    }
    this.complex(1);
    const s = 1 / m;
    for (let n = 0; n < m; n++) {
      x[2 * n] = re[n]! * s;
      x[2 * n + 1] = im[n]! * s;
    }
  }
}

export interface ConvolverOptions {
  channels: number;
  /** Use one uniform stage with this block size (power of two ≥ 16) and a head as long; default: stages from the cost model. */
  partitionSize?: number;
  /** Linear gain of the convolved signal. Default 1. */
  wet?: number;
  /** Linear gain of the input passed through. Default 0. */
  dry?: number;
  /** Samples of silence in front of the IR (pre-delay). Default 0. */
  preDelay?: number;
}

export interface Convolver {
  process(buf: Float32Array, frames: number): void;
  reset(): void;
  /** Length of the direct head, then the block size of each FFT stage. */
  readonly stages: readonly number[];
  readonly latency: 0;
  /** IR length with pre-delay: samples of output after the end of the input. */
  readonly tail: number;
}

const HEAD = 64;
const RATIO = 8;

/** Per-sample cost estimate of a uniform stage of block b covering IR [b, e). */
function stageCost(b: number, e: number): number {
  return (4 * (e - b)) / b + 10 * Math.log2(2 * b);
}

/** Block sizes of the FFT stages for an IR of `length` samples (the head is as long as the first). */
export function stageSizes(length: number): number[] {
  if (length <= HEAD) return [];
  const sizes = [HEAD];
  for (;;) {
    const b = sizes[sizes.length - 1]!;
    const nb = b * RATIO;
    if (nb >= length || stageCost(b, length) <= stageCost(b, nb) + stageCost(nb, length)) return sizes;
    sizes.push(nb);
  }
}

interface Stage {
  b: number;
  /** partitions k = 1 … parts */
  parts: number;
  fft: RealFft;
  /** per IR channel: H_{m+1}[q] (re, im) at 2·(q·parts + m) — bin-major, so each bin's sum runs over contiguous memory */
  h: Float64Array[];
  /** per IR channel: the partitions m in [first, last) hold non-zero samples (a pre-delay leaves leading zeros) */
  first: number[];
  last: number[];
  /** per channel: X (re, im) of slot s, bin q at 2·((ch·(b + 1) + q)·parts + s) */
  fdl: Float64Array;
  newest: number;
}

const isPow2 = (n: number): boolean => Number.isInteger(n) && n >= 1 && (n & (n - 1)) === 0;

/**
 * Convolves each channel with an IR: `irs` holds one IR (applied to every
 * channel) or one per channel. Throws for an empty IR or a channel mismatch.
 */
export function createConvolver(irs: readonly Float32Array[], opts: ConvolverOptions): Convolver {
  const { channels } = opts;
  if (!(Number.isInteger(channels) && channels > 0)) throw new RangeError(`convolver: channels must be a positive integer, got ${channels}`);
  if (irs.length !== 1 && irs.length !== channels) {
    throw new RangeError(`convolver: ${irs.length} IR channels for ${channels} channels; give one IR (used for every channel) or one per channel`);
  }
  const pd = opts.preDelay ?? 0;
  if (!(Number.isInteger(pd) && pd >= 0)) throw new RangeError(`convolver: pre-delay must be a whole number of samples ≥ 0, got ${pd}`);
  const irLen = irs[0]!.length;
  if (irLen === 0) throw new RangeError('convolver: the impulse response is empty');
  for (const ir of irs) {
    if (ir.length !== irLen) throw new RangeError('convolver: all IR channels must have the same length');
    for (let i = 0; i < ir.length; i++) if (!Number.isFinite(ir[i]!)) throw new RangeError(`convolver: IR sample ${i} is not finite`);
  }
  const L = irLen + pd;
  if (opts.partitionSize !== undefined && !(isPow2(opts.partitionSize) && opts.partitionSize >= 16)) {
    throw new RangeError(`convolver: partition size must be a power of two ≥ 16, got ${opts.partitionSize}`);
  }
  const sizes = opts.partitionSize !== undefined ? (L > opts.partitionSize ? [opts.partitionSize] : []) : stageSizes(L);
  const wet = opts.wet ?? 1;
  const dry = opts.dry ?? 0;
  const nIr = irs.length;
  const at = (ir: Float32Array, i: number): number => (i >= pd && i < L ? ir[i - pd]! : 0);

  // head: [0, bh), reversed per IR channel for a contiguous dot product
  const bh = sizes.length > 0 ? sizes[0]! : opts.partitionSize ?? Math.max(1, 2 ** Math.ceil(Math.log2(L)));
  const heads = irs.map((ir) => {
    const h = new Float64Array(bh);
    for (let i = 0; i < bh; i++) h[bh - 1 - i] = at(ir, i);
    return h;
  });
  // the dot product runs over the head's non-zero span [headFrom, headTo) only (a pre-delay zeroes its end)
  const headFrom = heads.map((h) => {
    let q = 0;
    while (q < bh && h[q] === 0) q++;
    return q;
  });
  const headTo = heads.map((h, c) => {
    let q = bh;
    while (q > headFrom[c]! && h[q - 1] === 0) q--;
    return q;
  });
  const bmax = Math.max(bh, ...sizes);
  const time = new Float64Array(2 * bmax);
  const xRe = new Float64Array(bmax + 1);
  const xIm = new Float64Array(bmax + 1);
  const accRe = new Float64Array(bmax + 1);
  const accIm = new Float64Array(bmax + 1);

  const stages: Stage[] = sizes.map((b, s) => {
    const end = s + 1 < sizes.length ? sizes[s + 1]! : L;
    const parts = Math.ceil(end / b) - 1;
    const bins = b + 1;
    const fft = new RealFft(2 * b);
    const h: Float64Array[] = [];
    const first: number[] = [];
    const last: number[] = [];
    for (const ir of irs) {
      const hs = new Float64Array(bins * parts * 2);
      let m0 = parts;
      let m1 = 0;
      for (let m = 0; m < parts; m++) {
        const k = m + 1;
        time.fill(0, 0, 2 * b);
        for (let i = 0; i < b && k * b + i < end; i++) {
          time[i] = at(ir, k * b + i);
          if (time[i] !== 0) {
            m0 = Math.min(m0, m);
            m1 = m + 1;
          }
        }
        fft.forward(time, xRe, xIm);
        for (let q = 0; q < bins; q++) {
          hs[(q * parts + m) * 2] = xRe[q]!;
          hs[(q * parts + m) * 2 + 1] = xIm[q]!;
        }
      }
      h.push(hs);
      first.push(Math.min(m0, m1));
      last.push(m1);
    }
    return { b, parts, fft, h, first, last, fdl: new Float64Array(channels * bins * parts * 2), newest: 0 };
  });

  // per channel: doubled ring of the last bh inputs (head), ring of the last 2·bmax inputs (FFTs),
  // and the FFT stages' summed output for the next bmax samples
  const R = 2 * bmax;
  const hist = new Float64Array(channels * 2 * bh);
  const xin = new Float64Array(channels * R);
  const outAcc = new Float64Array(channels * bmax);
  let t = 0; // samples processed, modulo R
  const grain = sizes.length > 0 ? sizes[0]! : bmax;

  /** Stage `st` has just completed the input block ending at t: push X_j, add its output for [t, t + b). */
  function endOfBlock(st: Stage): void {
    const { b, parts, fft, fdl } = st;
    const bins = b + 1;
    const newest = (st.newest = st.newest === 0 ? parts - 1 : st.newest - 1);
    const start = (t - 2 * b + R) % R;
    for (let ch = 0; ch < channels; ch++) {
      // time = x[t − 2b … t), from the input ring (may wrap once)
      const x0 = ch * R;
      for (let i = 0, r = start; i < 2 * b; i++, r = r + 1 === R ? 0 : r + 1) time[i] = xin[x0 + r]!;
      fft.forward(time, xRe, xIm);
      const c = nIr === 1 ? 0 : ch;
      const H = st.h[c]!;
      const m0 = st.first[c]!;
      const m1 = st.last[c]!;
      // Y[q] = Σ_{m=m0}^{m1−1} X_{j−m}[q]·H_{m+1}[q]; X_{j−m} is in slot (newest + m) mod parts
      const split = Math.max(m0, Math.min(m1, parts - newest)); // m ≥ split wraps to slot m − (parts − newest)
      for (let q = 0; q < bins; q++) {
        const row = (ch * bins + q) * parts;
        fdl[(row + newest) * 2] = xRe[q]!;
        fdl[(row + newest) * 2 + 1] = xIm[q]!;
        const hq = q * parts;
        let yr = 0;
        let yi = 0;
        for (let m = m0, xo = (row + newest + m0) * 2, ho = (hq + m0) * 2; m < split; m++, xo += 2, ho += 2) {
          const ar = fdl[xo]!, ai = fdl[xo + 1]!, br = H[ho]!, bi = H[ho + 1]!;
          yr += ar * br - ai * bi;
          yi += ar * bi + ai * br;
        }
        for (let m = split, xo = (row + split - (parts - newest)) * 2, ho = (hq + split) * 2; m < m1; m++, xo += 2, ho += 2) {
          const ar = fdl[xo]!, ai = fdl[xo + 1]!, br = H[ho]!, bi = H[ho + 1]!;
          yr += ar * br - ai * bi;
          yi += ar * bi + ai * br;
        }
        accRe[q] = yr;
        accIm[q] = yi;
      }
      fft.inverse(accRe, accIm, time);
      const o = ch * bmax + (t % bmax);
      for (let i = 0; i < b; i++) outAcc[o + i] = outAcc[o + i]! + time[b + i]!;
    }
  }

  function process(buf: Float32Array, frames: number): void {
    if (frames * channels > buf.length) throw new RangeError(`convolver: ${frames} frames × ${channels} channels exceed a buffer of ${buf.length}`);
    let f = 0;
    while (f < frames) {
      const n = Math.min(frames - f, grain - (t % grain));
      for (let ch = 0; ch < channels; ch++) {
        const c = nIr === 1 ? 0 : ch;
        const head = heads[c]!;
        const qa = headFrom[c]!;
        const qb = headTo[c]!;
        const h0 = ch * 2 * bh;
        const x0 = ch * R;
        const o0 = ch * bmax;
        const hMask = bh - 1;
        const oMask = bmax - 1;
        for (let i = 0; i < n; i++) {
          const j = (f + i) * channels + ch;
          const x = buf[j]!;
          const ti = t + i;
          const w = ti & hMask;
          hist[h0 + w] = x;
          hist[h0 + w + bh] = x;
          xin[x0 + ti] = x;
          // y_head = Σ_{i<bh} h[i]·x[n−i]; hist[h0 + w + 1 … h0 + w + bh] holds x[n−bh+1 … n]
          let y = 0;
          for (let q = qa, r = h0 + w + 1 + qa; q < qb; q++, r++) y += head[q]! * hist[r]!;
          const oi = o0 + (ti & oMask);
          y += outAcc[oi]!;
          outAcc[oi] = 0;
          buf[j] = dry * x + wet * y;
        }
      }
      f += n;
      t = (t + n) % R;
      if (t % grain === 0) for (let s = 0; s < stages.length; s++) if (t % stages[s]!.b === 0) endOfBlock(stages[s]!);
    }
  }

  return {
    process,
    reset() {
      hist.fill(0);
      xin.fill(0);
      outAcc.fill(0);
      for (const st of stages) {
        st.fdl.fill(0);
        st.newest = 0;
      }
      t = 0;
    },
    stages: [bh, ...sizes],
    latency: 0,
    tail: L,
  };
}
