/**
 * Parametric EQ, streaming: the sections designed in eq-design.ts (RBJ cookbook biquads,
 * Butterworth cascades), cascaded and run in transposed direct form II with float64 state,
 * with optional per-sample automation of the peaking and shelf bands' gains.
 */
import type { BiquadCoefficients } from './biquad.ts';
import { createEnvelope, type Breakpoint, type Envelope } from './envelope.ts';
import { DEFAULT_Q, designBiquad, designInto, hasGain, isPass, isShelf, trigOf, validateBand, type BandType, type EqBand, type Trig } from './eq-design.ts';

export * from './eq-design.ts';

export interface EqOptions {
  sampleRate: number;
  channels: number;
  /**
   * Automation of band gains: dB breakpoints per band (index in `bands`; peaking and shelf
   * bands only), times in samples from the stream's frame 0. The band's coefficients are
   * recomputed at every sample from the interpolated gain (the gain terms only: the centre
   * frequency's trigonometry is computed once), so a ramp has no steps and no zipper noise.
   * The band's own `gainDb` is replaced by the automated value.
   */
  automation?: readonly { band: number; points: readonly Breakpoint[] }[];
  /** Sample index of the first frame processed (negative while a preceding stage's latency is filled). */
  startFrame?: number;
}

/** A streaming multi-band EQ over interleaved float32 blocks. */
export interface Eq {
  /** Filters `frames` interleaved frames in place; allocation-free. */
  process(buf: Float32Array, frames: number): void;
  /** Back to the state of a signal preceded by silence. */
  reset(): void;
  /** Every section of every band, in processing order. */
  readonly sections: readonly BiquadCoefficients[];
  readonly latency: 0;
  readonly tail: number;
}

/** Frames handled per pass through the float64 scratch buffer (any value gives the same output). */
const CHUNK = 1024;
/** The tail ends where each section's impulse response has decayed by 96 dB (summed over the cascade). */
const TAIL_DB = -96;

/** Largest pole radius of z² + a1 z + a2 (the decay rate of a section's impulse response). */
function poleRadius(c: BiquadCoefficients): number {
  const disc = c.a1 * c.a1 - 4 * c.a2;
  if (disc < 0) return Math.sqrt(c.a2);
  const r = Math.sqrt(disc);
  return Math.max(Math.abs((-c.a1 + r) / 2), Math.abs((-c.a1 - r) / 2));
}

/**
 * A multi-band, multi-channel EQ. Bands are applied in order, every channel
 * through the same sections; each channel has its own float64 state
 * (s1, s2 per section). Each chunk of a channel is copied to a float64
 * scratch buffer, run through every section there and written back once, so
 * the signal is rounded to float32 only at the output. Throws a RangeError
 * for an invalid band (see `validateBand`).
 */
export function createEq(bands: readonly EqBand[], opts: EqOptions): Eq {
  const { sampleRate, channels } = opts;
  if (!(Number.isInteger(channels) && channels > 0)) throw new RangeError(`eq: channels must be a positive integer, got ${channels}`);
  const sections: BiquadCoefficients[] = [];
  bands.forEach((band, i) => {
    const problem = validateBand(band, sampleRate);
    if (problem) throw new RangeError(`eq band ${i + 1}: ${problem}`);
    sections.push(...designBiquad(band.type, band, sampleRate));
  });
  const n = sections.length;
  const coef = new Float64Array(n * 5);
  sections.forEach((c, k) => coef.set([c.b0, c.b1, c.b2, c.a1, c.a2], k * 5));
  const state = new Float64Array(n * channels * 2);
  const scratch = new Float64Array(CHUNK);
  const automated = automatedSections(bands, opts);
  // the automated band of each section, if any (looked up per section in the loop without allocating)
  const bySection: (AutomatedSection | undefined)[] = sections.map((_, k) => automated.find((a) => a.section === k));
  let pos = opts.startFrame ?? 0;

  let tail = 0;
  for (const c of sections) {
    const r = poleRadius(c);
    // r^t = 10^(TAIL_DB/20)  →  t = (TAIL_DB/20)·ln 10 / ln r; plus the two samples of the FIR part
    tail += 2 + (r > 0 ? Math.ceil(((TAIL_DB / 20) * Math.LN10) / Math.log(r)) : 0);
  }

  function process(buf: Float32Array, frames: number): void {
    if (frames * channels > buf.length) throw new RangeError(`eq: ${frames} frames × ${channels} channels exceed a buffer of ${buf.length}`);
    if (n === 0) return;
    for (let start = 0; start < frames; start += CHUNK) {
      const len = Math.min(CHUNK, frames - start);
      for (const a of automated) prepareChunk(a, coef, pos + start, len);
      for (let ch = 0; ch < channels; ch++) {
        for (let i = 0, j = start * channels + ch; i < len; i++, j += channels) scratch[i] = buf[j]!;
        for (let k = 0; k < n; k++) {
          const so = (ch * n + k) * 2;
          const moving = bySection[k];
          if (moving && moving.varying) {
            runVarying(moving, scratch, len, state, so);
            continue;
          }
          const b0 = coef[k * 5]!, b1 = coef[k * 5 + 1]!, b2 = coef[k * 5 + 2]!, a1 = coef[k * 5 + 3]!, a2 = coef[k * 5 + 4]!;
          let s1 = state[so]!;
          let s2 = state[so + 1]!;
          for (let i = 0; i < len; i++) {
            // TDF-II: y = b0·x + s1;  s1' = b1·x − a1·y + s2;  s2' = b2·x − a2·y
            const x = scratch[i]!;
            const y = b0 * x + s1;
            s1 = b1 * x - a1 * y + s2;
            s2 = b2 * x - a2 * y;
            scratch[i] = y;
          }
          state[so] = s1;
          state[so + 1] = s2;
        }
        for (let i = 0, j = start * channels + ch; i < len; i++, j += channels) buf[j] = scratch[i]!;
      }
    }
    pos += frames;
  }

  return {
    process,
    reset: () => {
      state.fill(0);
      pos = opts.startFrame ?? 0;
    },
    sections,
    latency: 0,
    tail,
  };
}

/** An automated band: one section whose coefficients follow a gain envelope. */
interface AutomatedSection {
  section: number;
  type: BandType;
  trig: Trig;
  q: number;
  shelfSlope: number | undefined;
  env: Envelope;
  /** gain in dB per sample of the current chunk */
  db: Float64Array;
  /** per-sample coefficients of the current chunk, interleaved b0 b1 b2 a1 a2 */
  c: Float64Array;
  /** whether the gain moves within the current chunk (else `coef` holds its constant section) */
  varying: boolean;
}

function automatedSections(bands: readonly EqBand[], opts: EqOptions): AutomatedSection[] {
  if (!opts.automation?.length) return [];
  // section index of each band's first section
  const first: number[] = [];
  let k = 0;
  for (const b of bands) {
    first.push(k);
    k += isPass(b.type) && (b.slope ?? 12) > 12 ? b.slope! / 12 : 1;
  }
  return opts.automation.map((a) => {
    const band = bands[a.band];
    if (!band || !hasGain(band.type)) throw new RangeError(`eq: band ${a.band + 1} cannot be automated (only peaking and shelf bands have a gain)`);
    // dB values interpolate as they are: 'exponential' (a curve in amplitude) is a straight line in dB
    const env = createEnvelope(
      a.points.map((p) => ({ t: p.t, value: p.value, curve: p.curve === 'exponential' ? 'linear' : p.curve })),
      { domain: 'linear' },
    );
    return {
      section: first[a.band],
      type: band.type,
      trig: trigOf(band.freq, opts.sampleRate),
      q: band.q ?? (isShelf(band.type) ? DEFAULT_Q : 1),
      shelfSlope: isShelf(band.type) ? band.shelfSlope : undefined,
      env,
      db: new Float64Array(CHUNK),
      c: new Float64Array(CHUNK * 5),
      varying: false,
    };
  });
}

/** Evaluates an automated band's gain over a chunk: constant → one section in `coef`, else per-sample coefficients. */
function prepareChunk(a: AutomatedSection, coef: Float64Array, at: number, len: number): void {
  a.env.fill(a.db, at, len);
  const g0 = a.db[0];
  let constant = true;
  for (let i = 1; i < len && constant; i++) constant = a.db[i] === g0;
  a.varying = !constant;
  if (constant) {
    designInto(a.type, a.trig, a.q, g0, a.shelfSlope, coef, a.section * 5);
    return;
  }
  for (let i = 0; i < len; i++) designInto(a.type, a.trig, a.q, a.db[i], a.shelfSlope, a.c, i * 5);
}

/** One channel's chunk through a section whose coefficients change every sample (TDF-II, float64 state). */
function runVarying(a: AutomatedSection, x: Float64Array, len: number, state: Float64Array, so: number): void {
  const c = a.c;
  let s1 = state[so]!;
  let s2 = state[so + 1]!;
  for (let i = 0, k = 0; i < len; i++, k += 5) {
    const xi = x[i]!;
    const y = c[k]! * xi + s1;
    s1 = c[k + 1]! * xi - c[k + 3]! * y + s2;
    s2 = c[k + 2]! * xi - c[k + 4]! * y;
    x[i] = y;
  }
  state[so] = s1;
  state[so + 1] = s2;
}
