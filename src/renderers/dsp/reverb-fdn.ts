/**
 * Algorithmic reverb: an 8-line feedback delay network (FDN) after J.-M. Jot and
 * A. Chaigne, "Digital delay networks for designing artificial reverberators",
 * AES 90th Convention, 1991, preprint 3030.
 *
 * Per sample n, with the delay-line outputs s_i[n] = v_i[n − d_i]:
 *
 *   f_i[n] = g_i·(1 − p_i)·s_i[n] + p_i·f_i[n−1]        absorbent filter H_i(z) (one-pole low-pass)
 *   v[n]   = A·f[n] + Σ_k b_k·x_k[n − D]                 A = H_8/√8, a normalised Hadamard matrix (unitary)
 *   w_k[n] = Σ_i c_k,i·f_i[n]                            wet output of channel k
 *   y_k[n] = dry·x_k[n] + wet·E(w_k)[n]                  E = tonal correction (below)
 *
 * Delay lengths d_i: eight base lengths (29…61 ms at size 1) × size × fs, each
 * raised to the next prime, all distinct, so the lengths are mutually prime
 * and the modes of the loops do not coincide.
 *
 * Decay (the paper's "absorbent filters"): a unitary A is lossless, so if every
 * line attenuates by γ per sample, γ = 10^(−3/(T60·fs)), all poles of the
 * network lie on the circle |z| = γ and the energy decays by 60 dB in T60
 * seconds. A line of d_i samples therefore gets the gain
 *
 *   g_i = γ^d_i = 10^(−3·d_i / (T60·fs)).
 *
 * Frequency-dependent decay: H_i(z) = g_i(1 − p_i)/(1 − p_i z⁻¹) has gain g_i at
 * DC (T60(0) = decaySec) and g_i·(1 − p_i)/(1 + p_i) at Nyquist, which should be
 * g_i^(1/α) for T60(π) = α·T60(0). Solving exactly (Jot's condition; his
 * closed form p_i = (ln 10/4)·log10(g_i)·(1 − 1/α²) is its first-order approximation):
 *
 *   p_i = (1 − r_i)/(1 + r_i),   r_i = g_i^(1/α − 1),   α = 1 − 0.9·damping.
 *
 * Each line's p_i follows from its own g_i, so every loop decays at the same
 * rate at every frequency: T60 stays consistent across lines ("RT60-consistent").
 *
 * Tonal correction (Jot): a mode's energy is proportional to its decay time,
 * so the tail's energy at Nyquist is α times that at DC. The one-zero filter
 * E(z) = (1 − β z⁻¹)/(1 − β) with |E(π)| = (1 + β)/(1 − β) = 1/√α, i.e.
 * β = (1 − √α)/(1 + √α), restores a flat initial spectrum. α = 1 gives β = 0.
 *
 * Input and output gains are rows of the Sylvester Hadamard matrix,
 * ±1/√8 = (−1)^popcount(row & i)/√8: channel k is injected with row
 * (k mod 7) + 1 and read with row OUT_ROWS[k mod 7] = 4, 5, 6, 7, 1, 2, 3.
 * Reading a channel with the row it was injected with would send each line's
 * first echo of a coherent (e.g. centred) input identically to every output
 * (L/R correlation ≈ 0.5); with these rows it is ≈ 0.06, and ≈ 0 for one-sided
 * input. D = pre-delay in samples.
 *
 * Deterministic (no noise, no modulation); state is float64 and explicit;
 * the recursion is per sample so output does not depend on block size.
 */

export interface FdnReverbParams {
  /** T60 at low frequencies, seconds (> 0). */
  decaySec: number;
  /** Seconds before the reverb starts (≥ 0). Default 0. */
  preDelaySec?: number;
  /** 0 = the same decay at all frequencies … 1 = T60 at Nyquist is 1/10 of decaySec. Default 0. */
  damping?: number;
  /** Scales every delay length (room size), 0.5 … 2. Default 1. */
  size?: number;
  /** Linear gain of the reverb. Default 1. */
  wet?: number;
  /** Linear gain of the input passed through. Default 0 (wet only). */
  dry?: number;
}

export interface FdnReverbOptions {
  sampleRate: number;
  channels: number;
}

export interface FdnReverb {
  process(buf: Float32Array, frames: number): void;
  reset(): void;
  /** d_i in samples. */
  readonly delays: readonly number[];
  readonly latency: 0;
  /** Samples after the end of the input until the tail has decayed by 60 dB: pre-delay + longest line + T60. */
  readonly tail: number;
}

export const FDN_LINES = 8;
/** Base delay lengths in seconds at size 1. */
const BASE_DELAYS_SEC = [0.0291, 0.0341, 0.0379, 0.0421, 0.0467, 0.0509, 0.0553, 0.0613];
/** Hadamard rows read by output channel k mod 7 (inputs use row k mod 7 + 1). */
const OUT_ROWS = [4, 5, 6, 7, 1, 2, 3];

/** Checks reverb params; returns a message naming the problem, or null. */
export function validateFdnReverb(p: FdnReverbParams): string | null {
  const bad = (name: string, v: number | undefined, ok: (v: number) => boolean, range: string): string | null =>
    v === undefined || (Number.isFinite(v) && ok(v)) ? null : `reverb: ${name} must be ${range}, got ${v}`;
  if (p.decaySec === undefined) return 'reverb: a decay time (T60) is required';
  return (
    bad('decay', p.decaySec, (v) => v > 0, 'above 0 s') ??
    bad('pre-delay', p.preDelaySec, (v) => v >= 0, '0 s or more') ??
    bad('damping', p.damping, (v) => v >= 0 && v <= 1, 'between 0 and 1') ??
    bad('size', p.size, (v) => v >= 0.5 && v <= 2, 'between 0.5 and 2') ??
    bad('wet gain', p.wet, () => true, 'a finite number') ??
    bad('dry gain', p.dry, () => true, 'a finite number')
  );
}

function isPrime(n: number): boolean {
  if (n < 2) return false;
  if (n % 2 === 0) return n === 2;
  for (let k = 3; k * k <= n; k += 2) if (n % k === 0) return false;
  return true;
}

/** The eight delay lengths in samples: distinct primes near base·size·fs, increasing. */
export function fdnDelays(size: number, sampleRate: number): number[] {
  const out: number[] = [];
  let prev = 1;
  for (const base of BASE_DELAYS_SEC) {
    let d = Math.max(prev + 1, Math.round(base * size * sampleRate));
    while (!isPrime(d)) d++;
    out.push(d);
    prev = d;
  }
  return out;
}

function popcount(v: number): number {
  let c = 0;
  for (; v; v &= v - 1) c++;
  return c;
}

export function createFdnReverb(params: FdnReverbParams, opts: FdnReverbOptions): FdnReverb {
  const problem = validateFdnReverb(params);
  if (problem) throw new RangeError(problem);
  const { sampleRate: fs, channels } = opts;
  if (!(Number.isInteger(channels) && channels > 0)) throw new RangeError(`reverb: channels must be a positive integer, got ${channels}`);
  if (!(Number.isFinite(fs) && fs > 0)) throw new RangeError(`reverb: sample rate must be positive, got ${fs}`);
  const T60 = params.decaySec;
  const alpha = 1 - 0.9 * (params.damping ?? 0);
  const wet = params.wet ?? 1;
  const dry = params.dry ?? 0;
  const D = Math.round((params.preDelaySec ?? 0) * fs);
  const delays = fdnDelays(params.size ?? 1, fs);

  const N = FDN_LINES;
  const g = new Float64Array(N); // g_i(1 − p_i)
  const p = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    const gi = 10 ** ((-3 * delays[i]!) / (T60 * fs));
    const r = gi ** (1 / alpha - 1);
    p[i] = (1 - r) / (1 + r);
    g[i] = gi * (1 - p[i]!);
  }
  const beta = (1 - Math.sqrt(alpha)) / (1 + Math.sqrt(alpha));
  const eScale = 1 / (1 - beta);

  // b_k,i (input) and c_k,i (output) = ±1/√8 from Hadamard rows
  const hadamard = (row: number, i: number): number => (popcount(row & i) % 2 ? -1 : 1) / Math.sqrt(N);
  const bIn = new Float64Array(channels * N);
  const cOut = new Float64Array(channels * N);
  for (let k = 0; k < channels; k++) {
    for (let i = 0; i < N; i++) {
      bIn[k * N + i] = hadamard((k % 7) + 1, i);
      cOut[k * N + i] = hadamard(OUT_ROWS[k % 7]!, i);
    }
  }

  // Delay lines share one buffer; line i occupies [offs[i], offs[i] + d_i), with its own cursor.
  const offs = new Int32Array(N);
  let total = 0;
  for (let i = 0; i < N; i++) {
    offs[i] = total;
    total += delays[i]!;
  }
  const lines = new Float64Array(total);
  const cursor = new Int32Array(N);
  const lp = new Float64Array(N); // f_i[n−1]
  const pre = new Float64Array(Math.max(D, 1) * channels); // pre-delay ring, interleaved
  let prePos = 0;
  const eState = new Float64Array(channels); // w_k[n−1]
  const f = new Float64Array(N);
  const v = new Float64Array(N);
  const invSqrtN = 1 / Math.sqrt(N);

  function process(buf: Float32Array, frames: number): void {
    if (frames * channels > buf.length) throw new RangeError(`reverb: ${frames} frames × ${channels} channels exceed a buffer of ${buf.length}`);
    for (let n = 0; n < frames; n++) {
      const base = n * channels;
      // delay-line outputs through the absorbent filters
      for (let i = 0; i < N; i++) {
        const s = lines[offs[i]! + cursor[i]!]!;
        const y = g[i]! * s + p[i]! * lp[i]!;
        lp[i] = y;
        f[i] = y;
      }
      // wet outputs, tonal correction, dry mix; input through the pre-delay
      for (let i = 0; i < N; i++) v[i] = 0;
      for (let k = 0; k < channels; k++) {
        const x = buf[base + k]!;
        let xd: number;
        if (D > 0) {
          xd = pre[prePos * channels + k]!;
          pre[prePos * channels + k] = x;
        } else xd = x;
        let w = 0;
        const so = k * N;
        for (let i = 0; i < N; i++) {
          w += cOut[so + i]! * f[i]!;
          v[i] = v[i]! + bIn[so + i]! * xd;
        }
        const e = (w - beta * eState[k]!) * eScale;
        eState[k] = w;
        buf[base + k] = dry * x + wet * e;
      }
      if (D > 0 && ++prePos === D) prePos = 0;
      // feedback: fast Walsh–Hadamard transform of f, scaled by 1/√8 (unitary)
      const a0 = f[0]! + f[1]!, a1 = f[0]! - f[1]!, a2 = f[2]! + f[3]!, a3 = f[2]! - f[3]!;
      const a4 = f[4]! + f[5]!, a5 = f[4]! - f[5]!, a6 = f[6]! + f[7]!, a7 = f[6]! - f[7]!;
      const c0 = a0 + a2, c1 = a1 + a3, c2 = a0 - a2, c3 = a1 - a3;
      const c4 = a4 + a6, c5 = a5 + a7, c6 = a4 - a6, c7 = a5 - a7;
      v[0] = v[0]! + (c0 + c4) * invSqrtN;
      v[1] = v[1]! + (c1 + c5) * invSqrtN;
      v[2] = v[2]! + (c2 + c6) * invSqrtN;
      v[3] = v[3]! + (c3 + c7) * invSqrtN;
      v[4] = v[4]! + (c0 - c4) * invSqrtN;
      v[5] = v[5]! + (c1 - c5) * invSqrtN;
      v[6] = v[6]! + (c2 - c6) * invSqrtN;
      v[7] = v[7]! + (c3 - c7) * invSqrtN;
      for (let i = 0; i < N; i++) {
        const c = cursor[i]!;
        lines[offs[i]! + c] = v[i]!;
        cursor[i] = c + 1 === delays[i]! ? 0 : c + 1;
      }
    }
  }

  return {
    process,
    reset() {
      lines.fill(0);
      cursor.fill(0);
      lp.fill(0);
      pre.fill(0);
      prePos = 0;
      eState.fill(0);
    },
    delays,
    latency: 0,
    tail: D + delays[N - 1]! + Math.ceil(T60 * fs),
  };
}
