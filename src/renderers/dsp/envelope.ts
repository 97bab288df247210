/**
 * Breakpoint automation (gain, sends, any scalar) and keyframe tracks (distance, azimuth),
 * evaluated per sample. Times are in samples; a value is a pure function of its time, so
 * `fill` over any split of a range writes exactly what `valueAt` returns at each index.
 *
 * ## Breakpoint envelopes — `createEnvelope`
 *
 * Points p_i = (t_i, v_i, curve_i), t strictly increasing; curve_i shapes the segment from
 * p_i to p_(i+1). With x = (t − t_i)/(t_(i+1) − t_i) ∈ [0, 1):
 *
 *   linear        v = v_i + (v_(i+1) − v_i)·x
 *   exponential   v = v_i·(v_(i+1)/v_i)^x                 (linear domain; needs v_i, v_(i+1) > 0)
 *   s-curve       v = v_i + (v_(i+1) − v_i)·(1 − cos(πx))/2   (raised cosine: zero slope at both ends)
 *   hold          v = v_i, stepping to v_(i+1) at t_(i+1)
 *
 * Before the first point the value is v_0, from the last point on it is v_last.
 *
 * Domain 'db': the values are decibels and the envelope returns linear gain
 * g = 10^(v/20). Curves act on the dB values: "linear" is a straight line in dB (which is
 * an exponential in amplitude, so 'exponential' means the same thing here), "s-curve" is
 * the raised cosine in dB. A value of −Infinity dB (silence) is allowed; a segment with a
 * −∞ end cannot be a line in dB, so it is shaped in amplitude instead: linear/exponential
 * go linearly in amplitude between the two gains, s-curve uses the raised cosine in amplitude.
 *
 * Domain 'linear': values are used as they are (a linear gain, metres, degrees …).
 *
 * ## Keyframe tracks — `createKeyframes`
 *
 * For quantities that move (distance, azimuth), where a kink in the path is a kink in the
 * motion: at a key, linear interpolation changes velocity abruptly, which a Doppler delay
 * line turns into a pitch step. 'monotone-cubic' (default) is the piecewise cubic Hermite
 * interpolant of Fritsch & Carlson (SIAM J. Numer. Anal. 17, 1980) with the weighted
 * harmonic-mean slopes of Fritsch & Butland and the three-point end slopes used by
 * MATLAB's pchip (Moler, Numerical Computing with MATLAB, §3.4): it passes through every
 * key, has a continuous first derivative, and never overshoots — between two keys the value
 * stays between them, so a distance never dips below its smallest key or turns negative.
 * 'linear' is offered for paths that really are straight lines.
 *
 * `period` (e.g. 360 for degrees) makes the track circular: each step between keys takes
 * the shorter way round (a step of exactly half a period goes the negative way), and the
 * output is wrapped to [−period/2, period/2).
 */

export type CurveKind = 'linear' | 'exponential' | 's-curve' | 'hold';

export interface Breakpoint {
  /** Time in samples. */
  readonly t: number;
  readonly value: number;
  /** Shape of the segment from this point to the next (ignored on the last point). */
  readonly curve: CurveKind;
}

export interface EnvelopeOptions {
  readonly domain: 'db' | 'linear';
}

export interface Envelope {
  readonly points: readonly Breakpoint[];
  readonly domain: 'db' | 'linear';
  /** Value at time `t` (samples; need not be an integer). Linear gain in the 'db' domain. */
  valueAt(t: number): number;
  /** out[k] = valueAt(start + k) for k < frames. Allocation-free. */
  fill(out: Float32Array | Float64Array, start: number, frames: number): void;
}

const CURVES: readonly CurveKind[] = ['linear', 'exponential', 's-curve', 'hold'];

/** Builds a breakpoint envelope (formulas in the file header). Throws RangeError on invalid points. */
export function createEnvelope(points: readonly Breakpoint[], opts: EnvelopeOptions): Envelope {
  const domain = opts.domain;
  if (domain !== 'db' && domain !== 'linear') throw new RangeError(`envelope: unknown domain ${JSON.stringify(domain)}`);
  if (points.length === 0) throw new RangeError('envelope: needs at least one point');
  const n = points.length;
  const ts = new Float64Array(n);
  const vs = new Float64Array(n);
  const kinds = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const p = points[i]!;
    if (!Number.isFinite(p.t)) throw new RangeError(`envelope: point ${i} has time ${p.t}`);
    if (i > 0 && !(p.t > ts[i - 1]!)) throw new RangeError(`envelope: point ${i} at t=${p.t} is not after point ${i - 1} at t=${ts[i - 1]}`);
    const okValue = Number.isFinite(p.value) || (domain === 'db' && p.value === -Infinity);
    if (!okValue) throw new RangeError(`envelope: point ${i} has value ${p.value}`);
    const k = CURVES.indexOf(p.curve);
    if (k < 0) throw new RangeError(`envelope: point ${i} has unknown curve ${JSON.stringify(p.curve)}`);
    ts[i] = p.t;
    vs[i] = p.value;
    kinds[i] = k;
  }
  if (domain === 'linear') {
    for (let i = 0; i + 1 < n; i++) {
      if (kinds[i] === 1 && !(vs[i]! > 0 && vs[i + 1]! > 0)) {
        throw new RangeError(`envelope: exponential segment ${i} needs two positive values, got ${vs[i]} → ${vs[i + 1]}`);
      }
    }
  }
  const db = domain === 'db';
  const out = (v: number): number => (db ? dbToGain(v) : v);

  // value of segment i (t_i ≤ t < t_(i+1)) at time t
  const segment = (i: number, t: number): number => {
    const v0 = vs[i]!;
    const kind = kinds[i]!;
    if (kind === 3) return out(v0); // hold
    const v1 = vs[i + 1]!;
    const x = (t - ts[i]!) / (ts[i + 1]! - ts[i]!);
    if (db && (v0 === -Infinity || v1 === -Infinity)) {
      // a line in dB cannot reach silence: shape in amplitude
      const g0 = dbToGain(v0);
      const g1 = dbToGain(v1);
      const s = kind === 2 ? 0.5 * (1 - Math.cos(Math.PI * x)) : x;
      return g0 + (g1 - g0) * s;
    }
    let v: number;
    switch (kind) {
      case 0: // linear: v = v0 + (v1 − v0)·x
        v = v0 + (v1 - v0) * x;
        break;
      case 1: // exponential: v = v0·(v1/v0)^x in the linear domain; a line in dB in the dB domain
        v = db ? v0 + (v1 - v0) * x : v0 * Math.pow(v1 / v0, x);
        break;
      default: // s-curve: v = v0 + (v1 − v0)·(1 − cos πx)/2
        v = v0 + (v1 - v0) * 0.5 * (1 - Math.cos(Math.PI * x));
    }
    return out(v);
  };

  const locate = (t: number): number => segmentOf(ts, t);
  const first = out(vs[0]!);
  const last = out(vs[n - 1]!);

  const valueAt = (t: number): number => {
    if (Number.isNaN(t)) throw new RangeError('envelope: time is NaN');
    const i = locate(t);
    if (i < 0) return first;
    if (i >= n - 1) return last;
    return segment(i, t);
  };

  const fill = (buf: Float32Array | Float64Array, start: number, frames: number): void => {
    if (frames > buf.length) throw new RangeError(`envelope: ${frames} frames exceed a buffer of ${buf.length}`);
    let i = locate(start);
    for (let k = 0; k < frames; k++) {
      const t = start + k;
      while (i < n - 1 && ts[i + 1]! <= t) i++;
      buf[k] = i < 0 ? first : i >= n - 1 ? last : segment(i, t);
    }
  };

  return { points, domain, valueAt, fill };
}

/** 10^(dB/20); −Infinity → 0. */
export function dbToGain(db: number): number {
  return db === -Infinity ? 0 : Math.pow(10, db / 20);
}

// ---------------------------------------------------------------------------------------
// Keyframe tracks
// ---------------------------------------------------------------------------------------

export interface Keyframe {
  /** Time in samples. */
  readonly t: number;
  readonly value: number;
}

export interface KeyframeOptions {
  /** Default 'monotone-cubic'. */
  readonly interpolation?: 'linear' | 'monotone-cubic';
  /** Circular quantity with this period (360 for degrees, 2π for radians); see the file header. */
  readonly period?: number;
}

export interface KeyframeTrack {
  readonly keys: readonly Keyframe[];
  valueAt(t: number): number;
  /** Rate of change per sample at `t` (0 outside the keys). For a distance track: −(approach speed)/fs. */
  slopeAt(t: number): number;
  /** out[k] = valueAt(start + k). Allocation-free. */
  fill(out: Float32Array | Float64Array, start: number, frames: number): void;
}

/** Builds a keyframe track (interpolants in the file header). Throws RangeError on invalid keys. */
export function createKeyframes(keys: readonly Keyframe[], opts: KeyframeOptions = {}): KeyframeTrack {
  const mode = opts.interpolation ?? 'monotone-cubic';
  if (mode !== 'linear' && mode !== 'monotone-cubic') throw new RangeError(`keyframes: unknown interpolation ${JSON.stringify(mode)}`);
  const period = opts.period;
  if (period !== undefined && !(Number.isFinite(period) && period > 0)) throw new RangeError(`keyframes: period must be > 0, got ${period}`);
  const n = keys.length;
  if (n === 0) throw new RangeError('keyframes: needs at least one key');
  const ts = new Float64Array(n);
  const ys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const k = keys[i]!;
    if (!Number.isFinite(k.t) || !Number.isFinite(k.value)) throw new RangeError(`keyframes: key ${i} is (${k.t}, ${k.value})`);
    if (i > 0 && !(k.t > ts[i - 1]!)) throw new RangeError(`keyframes: key ${i} at t=${k.t} is not after key ${i - 1} at t=${ts[i - 1]}`);
    ts[i] = k.t;
    // circular: unwrap so that each step is the shorter way round, in [−P/2, P/2)
    ys[i] = period === undefined || i === 0 ? k.value : ys[i - 1]! + wrap(k.value - keys[i - 1]!.value, period);
  }
  // slopes m_i (per sample) at the keys
  const m = new Float64Array(n);
  if (mode === 'monotone-cubic' && n >= 2) {
    const h = (i: number): number => ts[i + 1]! - ts[i]!;
    const delta = (i: number): number => (ys[i + 1]! - ys[i]!) / h(i);
    if (n === 2) {
      m[0] = m[1] = delta(0);
    } else {
      for (let i = 1; i < n - 1; i++) {
        const d0 = delta(i - 1);
        const d1 = delta(i);
        if (d0 * d1 <= 0) {
          m[i] = 0; // local extremum (or flat): zero slope keeps the curve from overshooting
        } else {
          // Fritsch–Butland weighted harmonic mean
          const w1 = 2 * h(i) + h(i - 1);
          const w2 = h(i) + 2 * h(i - 1);
          m[i] = (w1 + w2) / (w1 / d0 + w2 / d1);
        }
      }
      m[0] = endSlope(h(0), h(1), delta(0), delta(1));
      m[n - 1] = endSlope(h(n - 2), h(n - 3), delta(n - 2), delta(n - 3));
    }
  }

  const circ = (v: number): number => (period === undefined ? v : wrap(v, period));

  const segment = (i: number, t: number): number => {
    const hi = ts[i + 1]! - ts[i]!;
    const s = (t - ts[i]!) / hi;
    const y0 = ys[i]!;
    const y1 = ys[i + 1]!;
    if (mode === 'linear') return y0 + (y1 - y0) * s;
    // cubic Hermite: h00·y0 + h10·h·m0 + h01·y1 + h11·h·m1
    const s2 = s * s;
    const s3 = s2 * s;
    return (2 * s3 - 3 * s2 + 1) * y0 + (s3 - 2 * s2 + s) * hi * m[i]! + (-2 * s3 + 3 * s2) * y1 + (s3 - s2) * hi * m[i + 1]!;
  };
  const segmentSlope = (i: number, t: number): number => {
    const hi = ts[i + 1]! - ts[i]!;
    const s = (t - ts[i]!) / hi;
    const y0 = ys[i]!;
    const y1 = ys[i + 1]!;
    if (mode === 'linear') return (y1 - y0) / hi;
    const s2 = s * s;
    return ((6 * s2 - 6 * s) * y0 + (6 * s - 6 * s2) * y1) / hi + (3 * s2 - 4 * s + 1) * m[i]! + (3 * s2 - 2 * s) * m[i + 1]!;
  };
  const locate = (t: number): number => segmentOf(ts, t);
  const first = circ(ys[0]!);
  const last = circ(ys[n - 1]!);

  return {
    keys,
    valueAt(t: number): number {
      if (Number.isNaN(t)) throw new RangeError('keyframes: time is NaN');
      const i = locate(t);
      if (i < 0) return first;
      if (i >= n - 1) return last;
      return circ(segment(i, t));
    },
    slopeAt(t: number): number {
      const i = locate(t);
      if (i < 0 || i >= n - 1) return 0;
      return segmentSlope(i, t);
    },
    fill(buf: Float32Array | Float64Array, start: number, frames: number): void {
      if (frames > buf.length) throw new RangeError(`keyframes: ${frames} frames exceed a buffer of ${buf.length}`);
      let i = locate(start);
      for (let k = 0; k < frames; k++) {
        const t = start + k;
        while (i < n - 1 && ts[i + 1]! <= t) i++;
        buf[k] = i < 0 ? first : i >= n - 1 ? last : circ(segment(i, t));
      }
    },
  };
}

/** Three-point end slope, kept shape-preserving (pchip). h0, d0: the end interval; h1, d1: its neighbour. */
function endSlope(h0: number, h1: number, d0: number, d1: number): number {
  let m = ((2 * h0 + h1) * d0 - h0 * d1) / (h0 + h1);
  if (Math.sign(m) !== Math.sign(d0)) m = 0;
  else if (Math.sign(d0) !== Math.sign(d1) && Math.abs(m) > Math.abs(3 * d0)) m = 3 * d0;
  return m;
}

/** Wraps v into [−P/2, P/2). */
function wrap(v: number, p: number): number {
  const r = v - p * Math.floor(v / p + 0.5);
  return r >= p / 2 ? r - p : r;
}

/** Index of the segment holding t in ascending times ts: the last i with ts[i] ≤ t (−1 before the first). */
function segmentOf(ts: Float64Array, t: number): number {
  let lo = -1;
  let hi = ts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ts[mid]! <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
