/**
 * Downmix matrices (Lo/Ro, 7.1 → 5.1, mono folds), the matrix kernel, and the
 * 5.1 → Lt/Rt matrix-surround encoder.
 *
 * Matrices are out-major like panMatrix: out[o] = Σ_i m[o·inCh + i]·in[i], channels
 * in WAV order (layouts.ts).
 *
 * Levels. c (centre), s (surround) and l (LFE) are the downmix gains:
 *   default c = s = 1/√2 = 0.70711 (ITU-R BS.775's "0.707", the −3 dB of the
 *   standard's equations written as the exact power half), l = 0 (LFE discarded,
 *   as BS.775 does: the LFE carries effects a downmix must not add to full-range
 *   channels). An explicit option is a level in dB and means exactly that:
 *   centerDb −3 → 10^(−3/20) = 0.70795; −Infinity turns the channel off;
 *   lfeDb null (default) discards the LFE, a number folds it in at that level.
 *   The options only matter where the target lacks the channel (c and s are the
 *   stereo/LCR fold levels; 7.1 → 5.1 keeps C and LFE).
 *
 * Every downmix is a product along one chain, 7.1 → 5.1 → LCR → stereo → mono:
 *
 *   7.1 → 5.1   L, R, C, LFE unchanged; Ls = Lss + Lrs; Rs = Rss + Rrs (unity).
 *               A 7.1 room's side and rear arrays are the 5.1 room's one
 *               surround array split in two (this is how 7.1 stays 5.1-compatible),
 *               so each feeds it at unity: a signal in one surround channel, and
 *               uncorrelated content in both, keeps its power. (A phantom panned
 *               midway between side and rear, −3 dB in each, sums 3 dB hotter.)
 *   5.1 → LCR   L' = L + s·Ls + l·LFE;  R' = R + s·Rs + l·LFE;  C' = C.
 *   LCR → Lo/Ro Lo = L + c·C;  Ro = R + c·C.
 *   stereo → M  M = (L + R)/√2   (BS.775 2/0 → 1/0: 0.7071·L + 0.7071·R).
 *
 * So 5.1 → Lo/Ro is BS.775's Lo = L + c·C + s·Ls (+ l·LFE), Ro = R + c·C + s·Rs
 * (+ l·LFE); 7.1 → Lo/Ro is Lo = L + c·C + s·(Lss + Lrs); 5.1 → mono is
 * M = 0.7071·(L + R) + C + 0.5·(Ls + Rs) with the defaults (BS.775 3/2 → 1/0), and
 * LCR → mono M = 0.7071·(L + R) + C. (The mono fold is (Lo + Ro)/√2, which keeps a
 * constant-power centre pan at unity. panMatrix's "mean" for clips into a mono
 * bus is a different, older choice and stays as it is.)
 *
 * Upmixes (fewer channels → more) are not downmixes: downmixMatrix throws
 * DownmixError 'upmix' rather than invent channels.
 */
import { LAYOUTS, LAYOUT_NAMES, type LayoutName } from './layouts.ts';

export type DownmixErrorCode = 'upmix' | 'bad-option';

/** 'upmix': the target has more channels than the source; 'bad-option': a level or rate out of range. */
export class DownmixError extends Error {
  constructor(
    public readonly code: DownmixErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DownmixError';
  }
}

export interface DownmixOptions {
  /** Centre fold level in dB; default BS.775 1/√2 (−3.01 dB). −Infinity = off. */
  centerDb?: number;
  /** Surround fold level in dB; default BS.775 1/√2. −Infinity = off. */
  surroundDb?: number;
  /** LFE fold level in dB; default null = discard. */
  lfeDb?: number | null;
}

interface Levels {
  c: number;
  s: number;
  l: number;
}

function level(name: string, db: number | undefined, fallback: number): number {
  if (db === undefined) return fallback;
  if (typeof db !== 'number' || Number.isNaN(db) || db === Infinity) {
    throw new DownmixError('bad-option', `${name} must be a level in dB (finite or -Infinity): got ${String(db)}`);
  }
  return db === -Infinity ? 0 : 10 ** (db / 20);
}

function levels(opts: DownmixOptions | undefined): Levels {
  return {
    c: level('centerDb', opts?.centerDb, Math.SQRT1_2),
    s: level('surroundDb', opts?.surroundDb, Math.SQRT1_2),
    l: opts?.lfeDb === null ? 0 : level('lfeDb', opts?.lfeDb, 0),
  };
}

/** The chain step from LAYOUT_NAMES[k] to LAYOUT_NAMES[k − 1] (see the header). */
function step(from: LayoutName, v: Levels): Float64Array {
  switch (from) {
    case '7.1': {
      // in: L R C LFE Lrs Rrs Lss Rss → out: L R C LFE Ls Rs
      const m = new Float64Array(6 * 8);
      m[0 * 8 + 0] = 1;
      m[1 * 8 + 1] = 1;
      m[2 * 8 + 2] = 1;
      m[3 * 8 + 3] = 1;
      m[4 * 8 + 4] = 1; // Ls ← Lrs
      m[4 * 8 + 6] = 1; // Ls ← Lss
      m[5 * 8 + 5] = 1; // Rs ← Rrs
      m[5 * 8 + 7] = 1; // Rs ← Rss
      return m;
    }
    case '5.1': {
      // in: L R C LFE Ls Rs → out: L R C
      const m = new Float64Array(3 * 6);
      m[0 * 6 + 0] = 1;
      m[0 * 6 + 3] = v.l;
      m[0 * 6 + 4] = v.s;
      m[1 * 6 + 1] = 1;
      m[1 * 6 + 3] = v.l;
      m[1 * 6 + 5] = v.s;
      m[2 * 6 + 2] = 1;
      return m;
    }
    case 'LCR': {
      // in: L R C → out: Lo Ro
      const m = new Float64Array(2 * 3);
      m[0 * 3 + 0] = 1;
      m[0 * 3 + 2] = v.c;
      m[1 * 3 + 1] = 1;
      m[1 * 3 + 2] = v.c;
      return m;
    }
    case 'stereo':
      return Float64Array.of(Math.SQRT1_2, Math.SQRT1_2);
    case 'mono':
      throw new Error('unreachable: mono has no smaller layout');
  }
}

/** (o×k)·(k×i) for out-major matrices. */
function multiply(a: Float64Array, b: Float64Array, o: number, k: number, i: number): Float64Array {
  const m = new Float64Array(o * i);
  for (let r = 0; r < o; r++) {
    for (let c = 0; c < i; c++) {
      let acc = 0;
      for (let j = 0; j < k; j++) acc += a[r * k + j]! * b[j * i + c]!;
      m[r * i + c] = acc;
    }
  }
  return m;
}

/**
 * The downmix matrix from one layout to another (out-major, LAYOUTS[to].channels ×
 * LAYOUTS[from].channels). from === to gives the identity. Throws DownmixError.
 */
export function downmixMatrix(from: LayoutName, to: LayoutName, opts?: DownmixOptions): Float64Array {
  const fi = LAYOUT_NAMES.indexOf(from);
  const ti = LAYOUT_NAMES.indexOf(to);
  if (fi < 0 || ti < 0) throw new DownmixError('bad-option', `unknown layout '${fi < 0 ? from : to}'`);
  const v = levels(opts);
  const inCh = LAYOUTS[from].channels;
  if (fi === ti) {
    const m = new Float64Array(inCh * inCh);
    for (let c = 0; c < inCh; c++) m[c * inCh + c] = 1;
    return m;
  }
  if (ti > fi) {
    throw new DownmixError(
      'upmix',
      `${from} → ${to} is an upmix (${inCh} → ${LAYOUTS[to].channels} channels), not a downmix: ` +
        `route or pan the ${from} material into ${to} instead`,
    );
  }
  let m = step(from, v);
  let rows = LAYOUTS[LAYOUT_NAMES[fi - 1]!].channels;
  for (let k = fi - 1; k > ti; k--) {
    const next = LAYOUTS[LAYOUT_NAMES[k - 1]!].channels;
    m = multiply(step(LAYOUT_NAMES[k]!, v), m, next, rows, inCh);
    rows = next;
  }
  return m;
}

/**
 * out[f·outCh + o] = Σ_i matrix[o·inCh + i]·in[f·inCh + i] for `frames` interleaved
 * frames (float64 accumulation). Overwrites the output; input and output must be
 * different buffers. Allocation-free.
 */
export function applyMatrix(
  input: Float32Array,
  inCh: number,
  output: Float32Array,
  outCh: number,
  matrix: Float64Array,
  frames: number,
): void {
  if (matrix.length !== inCh * outCh) throw new RangeError(`matrix has ${matrix.length} coefficients; ${outCh}×${inCh} needs ${inCh * outCh}`);
  if (frames * inCh > input.length) throw new RangeError(`input holds ${Math.floor(input.length / inCh)} frames of ${inCh} channels, asked for ${frames}`);
  if (frames * outCh > output.length) throw new RangeError(`output holds ${Math.floor(output.length / outCh)} frames of ${outCh} channels, asked for ${frames}`);
  if (input.buffer === output.buffer && frames > 0) throw new RangeError('applyMatrix cannot run in place');
  for (let f = 0, ib = 0, ob = 0; f < frames; f++, ib += inCh, ob += outCh) {
    for (let o = 0, mb = 0; o < outCh; o++, mb += inCh) {
      let acc = 0;
      for (let i = 0; i < inCh; i++) acc += matrix[mb + i]! * input[ib + i]!;
      output[ob + o] = acc;
    }
  }
}

// ---- Lt/Rt --------------------------------------------------------------------------------------

/**
 * A 90° phase splitter: two cascades of first-order allpass sections,
 *   A(z) = Π_k (a_k + z⁻¹)/(1 + a_k·z⁻¹)  ("reference")
 *   B(z) = Π_k (b_k + z⁻¹)/(1 + b_k·z⁻¹)  ("quadrature"),
 * with arg B(e^{jω}) − arg A(e^{jω}) = −90° ± maxErrorDeg for fLow ≤ f ≤ fHigh:
 * B(x) is the Hilbert transform of A(x) there, up to sign (B lags A by 90°).
 *
 * Derivation. Design in the analog domain, then map with the bilinear transform
 * s = (1 − z⁻¹)/(1 + z⁻¹), which maps the analog frequency Ω = tan(ω/2) onto ω and
 * keeps phase: a first-order analog allpass (p − s)/(p + s) (phase −2·atan(Ω/p))
 * becomes the section above with coefficient (p − 1)/(p + 1), |·| < 1 for p > 0.
 * So an analog network equiripple over [Ω1, Ω2] = [tan(π·fLow/fs), tan(π·fHigh/fs)]
 * gives a digital one equiripple over [fLow, fHigh] at any rate, no warping error.
 *
 * The analog network is the Darlington/Orchard (1950) elliptic-function solution of
 * the 90° phase-difference problem: with k' = Ω1/Ω2, modulus k = √(1 − k'²),
 * K = K(k) the complete elliptic integral and n sections per path, the 2n poles
 * (normalised to the band's geometric centre √(Ω1·Ω2)) are
 *
 *   p_r = √k' · sc((2r − 1)·K/(4n), k),   r = 1 … 2n,
 *
 * sc = sn/cn the Jacobi elliptic functions (computed by the AGM / descending Landen
 * method, Abramowitz & Stegun 16.4). sc(K − u) = 1/(k'·sc(u)) makes the set
 * reciprocal (p_{2n+1−r} = 1/p_r), so we compute r ≤ n and take reciprocals for
 * the rest (no cn → 0 near K). Sorted ascending, the odd-numbered poles
 * (p_1, p_3, …, the lowest one included, so its phase falls first) form B and the
 * even-numbered ones A. The phase error alternates 2n + 1 times with equal
 * magnitude across the band (a Chebyshev fit) and is largest at the band edges,
 * so the design error is the error at Ω1, and n is the smallest that meets
 * maxErrorDeg. Pole → coefficient: a = (p·√(Ω1Ω2) − 1)/(p·√(Ω1Ω2) + 1).
 *
 * Defaults: fLow 40 Hz, fHigh = min(16 kHz, 0.48·fs), maxErrorDeg 0.25. Results
 * (sections per path, design error): 44.1 kHz 6, ±0.143°; 48 kHz (Ω2/Ω1 = 662)
 * 6, ±0.125°; 96 kHz 6, ±0.083°; 32 kHz (band to 15.36 kHz) 7, ±0.184°.
 * At 48 kHz: A = [−0.99398435, −0.97451529, −0.90755158, −0.69373480, −0.17866429,
 * 0.67642944], B = [−0.99825110, −0.98706958, −0.95107268, −0.82888306,
 * −0.48002710, 0.20097040] (recorded in the tests so that drift shows).
 */
export interface PhaseSplitter {
  readonly sampleRate: number;
  readonly fLow: number;
  readonly fHigh: number;
  /** Sections per path. */
  readonly sections: number;
  /** Allpass coefficients of the reference path A. */
  readonly reference: Float64Array;
  /** Allpass coefficients of the quadrature path B (lags A by 90°). */
  readonly quadrature: Float64Array;
  /** Largest |arg B − arg A + 90°| over [fLow, fHigh], degrees. */
  readonly maxErrorDeg: number;
}

export interface PhaseSplitterOptions {
  fLow?: number;
  fHigh?: number;
  maxErrorDeg?: number;
}

const MAX_SECTIONS = 16;

/**
 * Jacobi sn(u|k) and cn(u|k) by the arithmetic-geometric mean (A&S 16.4):
 * a0 = 1, b0 = k', c0 = k; a_{i+1} = (a_i + b_i)/2, b_{i+1} = √(a_i·b_i),
 * c_{i+1} = (a_i − b_i)/2 until c_N ≈ 0; φ_N = 2^N·a_N·u,
 * φ_{i−1} = (φ_i + asin(c_i/a_i · sin φ_i))/2; sn = sin φ_0, cn = cos φ_0.
 * Also K(k) = π/(2·a_N). `kp` = k' = √(1 − k²) is passed directly so that a
 * modulus close to 1 (a wide band) keeps its precision.
 */
function jacobi(u: number, k: number, kp: number): { sn: number; cn: number; K: number } {
  const a: number[] = [1];
  const c: number[] = [k];
  let b = kp;
  let n = 0;
  while (Math.abs(c[n]!) > 1e-15 && n < 32) {
    const an = a[n]!;
    a.push((an + b) / 2);
    c.push((an - b) / 2);
    b = Math.sqrt(an * b);
    n++;
  }
  let phi = 2 ** n * a[n]! * u;
  for (let i = n; i > 0; i--) phi = (phi + Math.asin((c[i]! / a[i]!) * Math.sin(phi))) / 2;
  return { sn: Math.sin(phi), cn: Math.cos(phi), K: Math.PI / (2 * a[n]!) };
}

/** Analog poles of the n-section-per-path network for band ratio Ω1/Ω2 = kp, ascending. */
function analogPoles(kp: number, n: number): Float64Array {
  const k = Math.sqrt((1 - kp) * (1 + kp));
  const K = jacobi(0, k, kp).K;
  const p = new Float64Array(2 * n);
  for (let r = 1; r <= n; r++) {
    const { sn, cn } = jacobi(((2 * r - 1) * K) / (4 * n), k, kp);
    const pole = Math.sqrt(kp) * (sn / cn);
    p[r - 1] = pole;
    p[2 * n - r] = 1 / pole;
  }
  return p;
}

/** arg B − arg A in radians at analog frequency Ω (poles normalised, Ω likewise). */
function analogPhaseDifference(p: Float64Array, omega: number): number {
  let d = 0;
  for (let r = 0; r < p.length; r++) {
    const phase = -2 * Math.atan(omega / p[r]!);
    d += r % 2 === 0 ? phase : -phase; // r even ↔ p_{r+1} odd-numbered ↔ B
  }
  return d;
}

export function designPhaseSplitter(sampleRate: number, opts?: PhaseSplitterOptions): PhaseSplitter {
  if (!(Number.isFinite(sampleRate) && sampleRate >= 8000)) {
    throw new DownmixError('bad-option', `sampleRate must be ≥ 8000 Hz: got ${sampleRate}`);
  }
  const fLow = opts?.fLow ?? 40;
  const fHigh = opts?.fHigh ?? Math.min(16000, 0.48 * sampleRate);
  const target = opts?.maxErrorDeg ?? 0.25;
  if (!(fLow > 0 && fHigh > fLow && fHigh < sampleRate / 2)) {
    throw new DownmixError('bad-option', `phase splitter band must satisfy 0 < fLow < fHigh < fs/2: got ${fLow}–${fHigh} Hz at ${sampleRate} Hz`);
  }
  if (!(target > 0)) throw new DownmixError('bad-option', `maxErrorDeg must be > 0: got ${target}`);
  const w1 = Math.tan((Math.PI * fLow) / sampleRate);
  const w2 = Math.tan((Math.PI * fHigh) / sampleRate);
  const w0 = Math.sqrt(w1 * w2);
  const kp = w1 / w2;
  let n = 1;
  let poles = analogPoles(kp, n);
  let err = Math.abs(analogPhaseDifference(poles, w1 / w0) + Math.PI / 2);
  while ((err * 180) / Math.PI > target && n < MAX_SECTIONS) {
    n++;
    poles = analogPoles(kp, n);
    err = Math.abs(analogPhaseDifference(poles, w1 / w0) + Math.PI / 2);
  }
  const maxErrorDeg = (err * 180) / Math.PI;
  if (maxErrorDeg > target) {
    throw new DownmixError('bad-option', `no phase splitter of ≤ ${MAX_SECTIONS} sections meets ±${target}° over ${fLow}–${fHigh} Hz`);
  }
  const reference = new Float64Array(n);
  const quadrature = new Float64Array(n);
  for (let r = 0; r < 2 * n; r++) {
    const p = poles[r]! * w0;
    const coef = (p - 1) / (p + 1);
    if (r % 2 === 0) quadrature[r >> 1] = coef;
    else reference[r >> 1] = coef;
  }
  return { sampleRate, fLow, fHigh, sections: n, reference, quadrature, maxErrorDeg };
}

export interface LtRtOptions extends DownmixOptions {
  sampleRate: number;
  /** Phase-splitter design options (band and error). */
  splitter?: PhaseSplitterOptions;
}

export interface LtRtEncoder {
  readonly splitter: PhaseSplitter;
  /**
   * Encodes `frames` interleaved 5.1 frames (L R C LFE Ls Rs) into interleaved Lt Rt.
   * Streaming: the state carries over between calls, so any split of a signal
   * into blocks gives the same output. Allocation-free. Lt/Rt can exceed full
   * scale (a hot centre plus surround); trim or limit downstream.
   */
  process(input: Float32Array, output: Float32Array, frames: number): void;
  /** Back to silence (zero state). */
  reset(): void;
}

/**
 * 5.1 → Lt/Rt matrix-surround encoder:
 *
 *   Lt = L + c·C − s·j(Ls + Rs),   Rt = R + c·C + s·j(Ls + Rs)   (+ l·LFE in both)
 *
 * where j is a +90° phase shift relative to the front. Realised with the phase
 * splitter: the front sums go through A, the surround sum S = s·(Ls + Rs) through
 * B, which lags A by 90°, i.e. B(S) = A(−j·S), so
 *
 *   Lt = A(L + c·C) + B(S),   Rt = A(R + c·C) − B(S).
 *
 * Everything passes through allpass networks of equal order, so the front keeps
 * its magnitude and the Lt/Rt relation holds to maxErrorDeg over the splitter band;
 * surround-only content is exactly antiphase in Lt and Rt, front-centre content
 * exactly in phase. (No surround band-limiting or noise reduction: those belong
 * to a specific encoder's spec, not to the matrix.)
 */
export function createLtRtEncoder(opts: LtRtOptions): LtRtEncoder {
  const v = levels(opts);
  const splitter = designPhaseSplitter(opts.sampleRate, opts.splitter);
  const n = splitter.sections;
  const aCoef = splitter.reference;
  const bCoef = splitter.quadrature;
  // state per path and section: [x1, y1]; paths: A(left front), A(right front), B(surround)
  // Section state [x1, y1] per path and section; paths: A(left front), A(right front), B(surround).
  const sL = new Float64Array(2 * n);
  const sR = new Float64Array(2 * n);
  const sS = new Float64Array(2 * n);
  // The block is processed in chunks through fixed scratch buffers, section by section
  // (a tight loop with the section's state in locals): no allocation per call.
  const CHUNK = 256;
  const bL = new Float64Array(CHUNK);
  const bR = new Float64Array(CHUNK);
  const bS = new Float64Array(CHUNK);
  const { c, s, l } = v;

  /**
   * The three paths through their cascades, in place, section by section:
   * y = a·(x − y1) + x1. The paths run in one loop so that their three
   * independent recursions overlap in the CPU.
   */
  function cascades(len: number): void {
    for (let k = 0, j = 0; k < n; k++, j += 2) {
      const a = aCoef[k]!;
      const b = bCoef[k]!;
      let xl = sL[j]!;
      let yl = sL[j + 1]!;
      let xr = sR[j]!;
      let yr = sR[j + 1]!;
      let xs = sS[j]!;
      let ys = sS[j + 1]!;
      for (let i = 0; i < len; i++) {
        const ul = bL[i]!;
        const ur = bR[i]!;
        const us = bS[i]!;
        yl = a * (ul - yl) + xl;
        yr = a * (ur - yr) + xr;
        ys = b * (us - ys) + xs;
        xl = ul;
        xr = ur;
        xs = us;
        bL[i] = yl;
        bR[i] = yr;
        bS[i] = ys;
      }
      sL[j] = xl;
      sL[j + 1] = yl;
      sR[j] = xr;
      sR[j + 1] = yr;
      sS[j] = xs;
      sS[j + 1] = ys;
    }
  }

  return {
    splitter,
    process(input: Float32Array, output: Float32Array, frames: number): void {
      if (frames * 6 > input.length) throw new RangeError(`Lt/Rt: input holds ${Math.floor(input.length / 6)} 5.1 frames, asked for ${frames}`);
      if (frames * 2 > output.length) throw new RangeError(`Lt/Rt: output holds ${Math.floor(output.length / 2)} stereo frames, asked for ${frames}`);
      for (let pos = 0; pos < frames; pos += CHUNK) {
        const len = Math.min(CHUNK, frames - pos);
        for (let i = 0, ib = pos * 6; i < len; i++, ib += 6) {
          const cc = c * input[ib + 2]! + l * input[ib + 3]!;
          bL[i] = input[ib]! + cc;
          bR[i] = input[ib + 1]! + cc;
          bS[i] = s * (input[ib + 4]! + input[ib + 5]!);
        }
        cascades(len);
        for (let i = 0, ob = pos * 2; i < len; i++, ob += 2) {
          output[ob] = bL[i]! + bS[i]!;
          output[ob + 1] = bR[i]! - bS[i]!;
        }
      }
    },
    reset(): void {
      sL.fill(0);
      sR.fill(0);
      sS.fill(0);
    },
  };
}
