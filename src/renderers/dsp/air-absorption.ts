/**
 * Atmospheric absorption after ISO 9613-1:1993, and a streaming filter that applies the
 * resulting frequency-dependent loss for a (possibly moving) source.
 *
 * ## The coefficient (ISO 9613-1:1993, clause 6; water-vapour concentration from annex B)
 *
 *   α = 8.686·f²·[ 1.84e−11·(p_r/p_a)·(T/T₀)^½
 *                 + (T/T₀)^(−5/2)·( 0.01275·e^(−2239.1/T) / (f_rO + f²/f_rO)
 *                                  + 0.1068·e^(−3352/T)   / (f_rN + f²/f_rN) ) ]      dB/m
 *   f_rO = (p_a/p_r)·(24 + 4.04e4·h·(0.02 + h)/(0.391 + h))                            (oxygen relaxation, Hz)
 *   f_rN = (p_a/p_r)·(T/T₀)^(−½)·(9 + 280·h·e^(−4.170·((T/T₀)^(−⅓) − 1)))             (nitrogen relaxation, Hz)
 *   h    = h_r·(p_sat/p_r)/(p_a/p_r),  p_sat/p_r = 10^(−6.8346·(T₀₁/T)^1.261 + 4.6151)  (molar concentration of water vapour, %)
 *
 * with f in Hz, T in kelvin, T₀ = 293.15 K, T₀₁ = 273.16 K, p_a the ambient pressure and
 * p_r = 101.325 kPa, h_r the relative humidity in percent. Checked against the
 * standard's tabulated values (ISO 9613-2 Table 2 reproduces them per octave band; e.g.
 * 10 °C / 70 %: 3.66, 9.66, 32.8, 117 dB/km at 1, 2, 4, 8 kHz).
 *
 * ## The streaming filter
 *
 * The loss at distance d is L(f) = α(f)·d dB, i.e. |H_d(ω)| = 10^(−α(ω)·d/20), and we
 * realise the *minimum-phase* filter with that magnitude (no latency, no pre-echo).
 * Homomorphic design (Oppenheim & Schafer, Discrete-Time Signal Processing, ch. 13):
 *
 *   real cepstrum         c_d[n] = (1/π)·∫₀^π ln|H_d(ω)|·cos(nω) dω
 *   minimum-phase fold    ĉ_d[0] = c_d[0],  ĉ_d[n] = 2·c_d[n] (n > 0),  ĉ_d[n] = 0 (n < 0)
 *   impulse response      h[0] = e^(ĉ_d[0]),  h[n] = Σ_{k=1..n} (k/n)·ĉ_d[k]·h[n−k]
 *
 * Because ln|H_d| = d·ln|H_1|, the cepstrum is exactly linear in distance: ĉ_d = d·ĉ_1.
 * So ĉ_1 is computed once (a dense cosine sum at construction) and a filter for any d
 * costs only the recursion — no FFT and no curve fitting at run time. (A two-biquad fit
 * was tried first: the least-squares problem is non-convex, its solutions jump between
 * branches as d changes, and interpolating them gave several-dB errors.)
 *
 * The impulse response is truncated where, past its peak, it stays below −80 dB of the peak
 * (at most `maxTaps`: 20 taps at 1 m, ~100 at 100 m, ~240 at 1 km for 48 kHz, 20 °C, 50 %),
 * then scaled so that its sum — the DC gain — is exactly 1.
 * Accuracy, measured on the taps against α·d on a third-octave grid up to 0.45·fs,
 * wherever the loss is below 40 dB (above that it only has to stay above 40 dB):
 * within 0.03 dB up to 2 km at 20 °C / 50 %; within 0.5 dB (1.2 dB at 96 kHz) for
 * −10…40 °C and 10…100 % RH, the worst case being very dry air near 2 km, where the
 * response is longest and truncation costs most.
 *
 * A moving source: the taps are redesigned every `updateInterval` samples (default 32)
 * from the distance at that sample, counted from the start of the stream, and the output
 * crossfades linearly from the previous design to the new one across the interval (for an
 * FIR this is the same as interpolating the taps). The filter therefore lags the distance
 * trajectory by one interval (0.67 ms at 48 kHz) and its output does not depend on how the
 * stream is cut into blocks.
 */

/** Meteorological conditions for ISO 9613-1. */
export interface AtmosphericConditions {
  /** Air temperature, °C. */
  readonly temperatureC: number;
  /** Relative humidity, percent (0–100). */
  readonly relativeHumidity: number;
  /** Ambient atmospheric pressure, kPa. */
  readonly pressureKpa: number;
}

/** 20 °C, 50 % RH, 101.325 kPa. */
export const STANDARD_ATMOSPHERE: Readonly<AtmosphericConditions> = Object.freeze({
  temperatureC: 20,
  relativeHumidity: 50,
  pressureKpa: 101.325,
});

/** The frequency-independent quantities of the formula for one set of conditions. */
interface AtmosphereTerms {
  /** 8.686·1.84e−11·(p_r/p_a)·(T/T₀)^½ — classical and rotational absorption, per Hz². */
  readonly classical: number;
  /** 8.686·(T/T₀)^(−5/2)·0.01275·e^(−2239.1/T) — oxygen relaxation strength. */
  readonly oxygen: number;
  /** 8.686·(T/T₀)^(−5/2)·0.1068·e^(−3352/T) — nitrogen relaxation strength. */
  readonly nitrogen: number;
  readonly frO: number;
  readonly frN: number;
}

const T0 = 293.15; // K, reference temperature
const T01 = 273.16; // K, triple-point isotherm
const PR = 101.325; // kPa, reference pressure

function atmosphereTerms(c: Partial<AtmosphericConditions> | undefined): AtmosphereTerms {
  const tc = c?.temperatureC ?? STANDARD_ATMOSPHERE.temperatureC;
  const hr = c?.relativeHumidity ?? STANDARD_ATMOSPHERE.relativeHumidity;
  const pa = c?.pressureKpa ?? STANDARD_ATMOSPHERE.pressureKpa;
  if (!(Number.isFinite(tc) && tc > -273.15)) throw new RangeError(`air absorption: temperature must be above −273.15 °C, got ${tc}`);
  if (!(Number.isFinite(hr) && hr >= 0 && hr <= 100)) throw new RangeError(`air absorption: relative humidity must be 0–100 %, got ${hr}`);
  if (!(Number.isFinite(pa) && pa > 0)) throw new RangeError(`air absorption: pressure must be > 0 kPa, got ${pa}`);
  const T = tc + 273.15;
  const tr = T / T0;
  // p_sat/p_r = 10^(−6.8346·(T01/T)^1.261 + 4.6151)
  const psatRel = Math.pow(10, -6.8346 * Math.pow(T01 / T, 1.261) + 4.6151);
  // h = h_r·(p_sat/p_r)/(p_a/p_r)
  const h = (hr * psatRel) / (pa / PR);
  // f_rO = (p_a/p_r)·(24 + 4.04e4·h·(0.02 + h)/(0.391 + h))
  const frO = (pa / PR) * (24 + (4.04e4 * h * (0.02 + h)) / (0.391 + h));
  // f_rN = (p_a/p_r)·(T/T0)^(−1/2)·(9 + 280·h·e^(−4.170·((T/T0)^(−1/3) − 1)))
  const frN = (pa / PR) * Math.pow(tr, -0.5) * (9 + 280 * h * Math.exp(-4.17 * (Math.pow(tr, -1 / 3) - 1)));
  return {
    classical: 8.686 * 1.84e-11 * (PR / pa) * Math.sqrt(tr),
    oxygen: 8.686 * Math.pow(tr, -2.5) * 0.01275 * Math.exp(-2239.1 / T),
    nitrogen: 8.686 * Math.pow(tr, -2.5) * 0.1068 * Math.exp(-3352 / T),
    frO,
    frN,
  };
}

function alphaOf(f: number, a: AtmosphereTerms): number {
  const f2 = f * f;
  // α = 8.686·f²·[classical + (T/T0)^(−5/2)·(O₂ term + N₂ term)]; the 8.686 and the
  // temperature factors are folded into the terms.
  return f2 * (a.classical + a.oxygen / (a.frO + f2 / a.frO) + a.nitrogen / (a.frN + f2 / a.frN));
}

/** ISO 9613-1 pure-tone attenuation coefficient α in dB per metre at frequency `f` (Hz). */
export function airAbsorptionCoefficient(f: number, conditions?: Partial<AtmosphericConditions>): number {
  if (!(Number.isFinite(f) && f >= 0)) throw new RangeError(`air absorption: frequency must be ≥ 0 Hz, got ${f}`);
  return alphaOf(f, atmosphereTerms(conditions));
}

/** Loss in dB (positive) of a pure tone at `f` Hz over `distance` metres: α(f)·d. */
export function airAbsorptionDb(f: number, distance: number, conditions?: Partial<AtmosphericConditions>): number {
  if (!(Number.isFinite(distance) && distance >= 0)) throw new RangeError(`air absorption: distance must be ≥ 0 m, got ${distance}`);
  return airAbsorptionCoefficient(f, conditions) * distance;
}

// ---------------------------------------------------------------------------------------
// Streaming filter
// ---------------------------------------------------------------------------------------

export interface AirAbsorptionFilterOptions {
  readonly sampleRate: number;
  readonly conditions?: Partial<AtmosphericConditions>;
  /** Longest impulse response (taps). Default 256 at 48 kHz, scaled with the rate. */
  readonly maxTaps?: number;
  /** Distances above this are rendered at this distance (metres). Default 2000 m. */
  readonly maxDistance?: number;
  /** Samples between redesigns for a moving source. Default 32. */
  readonly updateInterval?: number;
}

/** Explicit state of one channel of the filter. Create with `createAirAbsorptionFilter`. */
export interface AirAbsorptionFilter {
  readonly sampleRate: number;
  readonly maxTaps: number;
  readonly maxDistance: number;
  readonly updateInterval: number;
  /** k·ĉ₁[k]: the minimum-phase cepstrum for 1 m, times its index (k = 0 holds ĉ₁[0]). */
  readonly kCepstrum: Float64Array;
  /** Input history, written twice (at w and w + maxTaps) so it reads as one contiguous run. */
  readonly history: Float64Array;
  write: number;
  /** Taps in use at the start of the current interval, and at its end. */
  tapsFrom: Float64Array;
  tapsTo: Float64Array;
  lengthFrom: number;
  lengthTo: number;
  distanceFrom: number;
  distanceTo: number;
  /** Samples processed since creation or reset. */
  position: number;
  /** DC gain of the last design before normalisation (1 − truncation loss). */
  rawSum: number;
}

/** Truncate the impulse response once past its peak it stays below this fraction of the peak (−80 dB). */
const TAIL_EPSILON = 1e-4;

/**
 * Builds the filter for one channel: evaluates ĉ₁ (the cepstrum for 1 m) once by a cosine
 * sum over a dense frequency grid, then checks that `maxTaps` holds the response at
 * `maxDistance` (throws RangeError if not).
 */
export function createAirAbsorptionFilter(opts: AirAbsorptionFilterOptions): AirAbsorptionFilter {
  const fs = opts.sampleRate;
  if (!(Number.isFinite(fs) && fs > 0)) throw new RangeError(`air absorption filter: sampleRate must be > 0, got ${fs}`);
  const maxTaps = opts.maxTaps ?? Math.max(16, Math.round((256 * fs) / 48000));
  const maxDistance = opts.maxDistance ?? 2000;
  const updateInterval = opts.updateInterval ?? 32;
  if (!(Number.isInteger(maxTaps) && maxTaps >= 1)) throw new RangeError(`air absorption filter: maxTaps must be an integer ≥ 1, got ${maxTaps}`);
  if (!(Number.isInteger(updateInterval) && updateInterval >= 1)) {
    throw new RangeError(`air absorption filter: updateInterval must be an integer ≥ 1, got ${updateInterval}`);
  }
  if (!(Number.isFinite(maxDistance) && maxDistance >= 0)) throw new RangeError(`air absorption filter: maxDistance must be ≥ 0 m, got ${maxDistance}`);
  const terms = atmosphereTerms(opts.conditions);

  // c₁[n] = (1/π)∫₀^π ln|H₁(ω)| cos(nω) dω by the trapezoid rule on K + 1 points ω_k = πk/K
  // (a length-2K DFT of the even log-magnitude); K ≫ maxTaps keeps cepstral aliasing negligible.
  let K = 4096;
  while (K < 16 * maxTaps) K *= 2;
  const lnH = new Float64Array(K + 1);
  const nepersPerDb = Math.LN10 / 20;
  for (let k = 0; k <= K; k++) lnH[k] = -alphaOf((k * fs) / (2 * K), terms) * nepersPerDb;
  const cosTable = new Float64Array(2 * K);
  for (let i = 0; i < 2 * K; i++) cosTable[i] = Math.cos((Math.PI * i) / K);
  const kCepstrum = new Float64Array(maxTaps);
  for (let n = 0; n < maxTaps; n++) {
    let s = 0.5 * (lnH[0]! + lnH[K]! * (n % 2 === 0 ? 1 : -1));
    for (let k = 1; k < K; k++) s += lnH[k]! * cosTable[(n * k) % (2 * K)]!;
    const c = s / K;
    // minimum-phase fold, then multiply by the index for the recursion (k·ĉ[k])
    kCepstrum[n] = n === 0 ? c : 2 * c * n;
  }

  const f: AirAbsorptionFilter = {
    sampleRate: fs,
    maxTaps,
    maxDistance,
    updateInterval,
    kCepstrum,
    history: new Float64Array(2 * maxTaps),
    write: 0,
    tapsFrom: new Float64Array(maxTaps),
    tapsTo: new Float64Array(maxTaps),
    lengthFrom: 0,
    lengthTo: 0,
    distanceFrom: NaN,
    distanceTo: NaN,
    position: 0,
    rawSum: 1,
  };
  // Self-check: the truncated response at maxDistance must keep most of its DC gain.
  const probe = new Float64Array(maxTaps);
  const kept = designTaps(f, maxDistance, probe).rawSum;
  if (!(kept > 0.9 && kept < 1.1)) {
    throw new RangeError(
      `air absorption filter: ${maxTaps} taps cannot hold the response at ${maxDistance} m (kept DC gain ${kept}); raise maxTaps or lower maxDistance`,
    );
  }
  return f;
}

/** Clears the history and the designs, as if newly created. */
export function resetAirAbsorption(f: AirAbsorptionFilter): void {
  f.history.fill(0);
  f.write = 0;
  f.lengthFrom = 0;
  f.lengthTo = 0;
  f.distanceFrom = NaN;
  f.distanceTo = NaN;
  f.position = 0;
}

/**
 * Writes the minimum-phase taps for `distance` metres into `out` (length ≥ maxTaps) and
 * returns how many are used and the DC gain before normalisation (1 − truncation loss).
 * Allocation-free; this is what the filter runs every `updateInterval` samples.
 */
export function designTaps(f: AirAbsorptionFilter, distance: number, out: Float64Array): { length: number; rawSum: number } {
  if (out.length < f.maxTaps) throw new RangeError(`designTaps: need ${f.maxTaps} taps of room, got ${out.length}`);
  const length = designInto(f, distance, out);
  return { length, rawSum: f.rawSum };
}

function designInto(f: AirAbsorptionFilter, distance: number, h: Float64Array): number {
  if (!(distance >= 0 && Number.isFinite(distance))) throw new RangeError(`air absorption: distance must be a finite number ≥ 0 m, got ${distance}`);
  const d = Math.min(distance, f.maxDistance);
  const kc = f.kCepstrum;
  const M = f.maxTaps;
  if (d === 0 || M === 1) {
    h[0] = 1;
    f.rawSum = 1;
    return 1;
  }
  // h[0] = e^(ĉ_d[0]),  h[n] = (1/n)·Σ_{k=1..n} k·ĉ_d[k]·h[n−k],  ĉ_d = d·ĉ₁
  h[0] = Math.exp(d * kc[0]!);
  let peak = Math.abs(h[0]!);
  let peakAt = 0;
  let quiet = 0;
  let length = M;
  for (let i = 1; i < M; i++) {
    let s = 0;
    for (let k = 1; k <= i; k++) s += kc[k]! * h[i - k]!;
    const v = (d * s) / i;
    h[i] = v;
    const a = Math.abs(v);
    if (a > peak) {
      peak = a;
      peakAt = i;
    }
    // stop once the response has passed its peak and stayed below −80 dB of it for 4 taps
    if (i > peakAt && a < TAIL_EPSILON * peak) {
      if (++quiet === 4) {
        length = i + 1;
        break;
      }
    } else quiet = 0;
  }
  let sum = 0;
  for (let i = 0; i < length; i++) sum += h[i]!;
  f.rawSum = sum;
  const g = 1 / sum; // DC gain exactly 1
  for (let i = 0; i < length; i++) h[i] *= g;
  return length;
}

/**
 * Filters `frames` samples of one channel. `distance` is the source distance in metres,
 * either one value for the whole block or one value per sample (index 0 = input[0]).
 * `input` and `output` may be the same array. Allocation-free.
 */
export function airAbsorptionProcess(
  f: AirAbsorptionFilter,
  input: Float32Array | Float64Array,
  output: Float32Array | Float64Array,
  frames: number,
  distance: number | Float32Array | Float64Array,
): void {
  if (frames > input.length || frames > output.length) {
    throw new RangeError(`air absorption: ${frames} frames exceed the buffers (${input.length}, ${output.length})`);
  }
  const perSample = typeof distance !== 'number';
  if (perSample && distance.length < frames) {
    throw new RangeError(`air absorption: distance has ${distance.length} values for ${frames} frames`);
  }
  const M = f.maxTaps;
  const U = f.updateInterval;
  const hist = f.history;
  // state in locals for the loop, written back at the end
  let pos = f.position;
  let w = f.write;
  let hFrom = f.tapsFrom;
  let hTo = f.tapsTo;
  let nFrom = f.lengthFrom;
  let nTo = f.lengthTo;
  let dFrom = f.distanceFrom;
  let dTo = f.distanceTo;
  const constant = perSample ? 0 : (distance as number);
  for (let i = 0; i < frames; i++) {
    const phase = pos % U;
    if (phase === 0) {
      const d = perSample ? (distance as Float32Array | Float64Array)[i]! : constant;
      if (pos === 0) {
        nTo = designInto(f, d, hTo);
        dTo = d;
      }
      // the design reached at the end of the last interval becomes the start of this one
      const t = hFrom;
      hFrom = hTo;
      hTo = t;
      nFrom = nTo;
      dFrom = dTo;
      if (d === dFrom) {
        for (let k = 0; k < nFrom; k++) hTo[k] = hFrom[k]!;
        nTo = nFrom;
      } else {
        nTo = designInto(f, d, hTo);
      }
      dTo = d;
    }
    // history: x[n−k] = hist[w + k]
    w = w === 0 ? M - 1 : w - 1;
    const x = input[i]!;
    hist[w] = x;
    hist[w + M] = x;
    let yTo = 0;
    for (let k = 0; k < nTo; k++) yTo += hTo[k]! * hist[w + k]!;
    if (dFrom === dTo) {
      output[i] = yTo;
    } else {
      let yFrom = 0;
      for (let k = 0; k < nFrom; k++) yFrom += hFrom[k]! * hist[w + k]!;
      // linear crossfade across the interval, reaching the new design on its last sample
      const mu = (phase + 1) / U;
      output[i] = yFrom + mu * (yTo - yFrom);
    }
    pos++;
  }
  f.position = pos;
  f.write = w;
  f.tapsFrom = hFrom;
  f.tapsTo = hTo;
  f.lengthFrom = nFrom;
  f.lengthTo = nTo;
  f.distanceFrom = dFrom;
  f.distanceTo = dTo;
}
