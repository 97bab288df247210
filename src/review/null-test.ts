/**
 * A null test between two renders of a deliverable: subtract one from the other and
 * find where the difference rises above a threshold (−60 dBFS by default), in fixed
 * windows (100 ms), merged into ranges, so a reviewer knows where to listen.
 *
 * A small change to one event moves the loudness normalisation of the whole mix, and a
 * plain null test then "differs everywhere". So the test also estimates the level offset
 * between the renders and reports the ranges that still differ once it is applied: those
 * are where the mix itself changed. The offset is measured where the content is the same:
 * per window, the least-squares gain Σab/Σb² of the windows whose correlation is above
 * 0.999, and their median (a moved or changed event decorrelates its windows, which then
 * do not vote).
 *
 * Ranges closer than `mergeGapFrames` (default 5 windows, 500 ms) are joined: a quiet
 * passage that flickers around the threshold is one place to listen, not twenty.
 */

/** Random access to interleaved float frames (a WavReader, or an array in tests). */
export interface FrameSource {
  channels: number;
  frames: number;
  /** Reads `n` frames from `start` into `out` (interleaved); returns frames read. */
  read(start: number, n: number, out: Float32Array): number;
}

export interface NullRange {
  /** First frame of the range (counted from the file's start) and the frame after its end. */
  start: number;
  end: number;
  /** Peak of the difference inside the range, dBFS. */
  peakDb: number;
}

export interface NullResult {
  windowFrames: number;
  thresholdDb: number;
  ranges: NullRange[];
  /** Gain applied to B that best matches A, in dB (0 when they already match in level). */
  gainDb: number;
  /** Ranges that still differ once B is scaled by that gain (equal to `ranges` when gainDb is 0). */
  levelMatched: NullRange[];
}

const BLOCK = 1 << 16;

function forEachBlock(a: FrameSource, b: FrameSource, fn: (start: number, n: number, x: Float32Array, y: Float32Array) => void): void {
  const ch = a.channels;
  const total = Math.max(a.frames, b.frames);
  const x = new Float32Array(BLOCK * ch);
  const y = new Float32Array(BLOCK * ch);
  for (let pos = 0; pos < total; pos += BLOCK) {
    const n = Math.min(BLOCK, total - pos);
    // past a file's end it is silence: a longer render differs where it goes on
    const ga = pos < a.frames ? a.read(pos, Math.min(n, a.frames - pos), x) : 0;
    const gb = pos < b.frames ? b.read(pos, Math.min(n, b.frames - pos), y) : 0;
    x.fill(0, ga * ch, n * ch);
    y.fill(0, gb * ch, n * ch);
    fn(pos, n, x, y);
  }
}

interface WindowStats {
  peak: Float64Array;
  ab: Float64Array;
  aa: Float64Array;
  bb: Float64Array;
}

/** Per window: the peak of a − g·b, and (with `sums`) Σab, Σa², Σb². */
function windows(a: FrameSource, b: FrameSource, g: number, windowFrames: number, sums: boolean): WindowStats {
  const ch = a.channels;
  const n = Math.ceil(Math.max(a.frames, b.frames) / windowFrames);
  const st: WindowStats = { peak: new Float64Array(n), ab: new Float64Array(sums ? n : 0), aa: new Float64Array(sums ? n : 0), bb: new Float64Array(sums ? n : 0) };
  forEachBlock(a, b, (start, count, x, y) => {
    for (let i = 0; i < count; i++) {
      const w = Math.floor((start + i) / windowFrames);
      let p = st.peak[w];
      for (let c = 0; c < ch; c++) {
        const xa = x[i * ch + c];
        const yb = y[i * ch + c];
        const d = Math.abs(xa - g * yb);
        if (d > p) p = d;
        if (sums) {
          st.ab[w] += xa * yb;
          st.aa[w] += xa * xa;
          st.bb[w] += yb * yb;
        }
      }
      st.peak[w] = p;
    }
  });
  return st;
}

/** Windows above the threshold, merged into ranges (gaps up to `gap` frames joined). */
function rangesOf(peaks: Float64Array, windowFrames: number, total: number, threshold: number, gap: number): NullRange[] {
  const lin = Math.pow(10, threshold / 20);
  const out: NullRange[] = [];
  for (let w = 0; w < peaks.length; w++) {
    if (peaks[w] <= lin) continue;
    const start = w * windowFrames;
    const end = Math.min(total, (w + 1) * windowFrames);
    const peakDb = Math.round(20 * Math.log10(peaks[w]) * 10) / 10;
    const last = out[out.length - 1];
    if (last && start - last.end <= gap) {
      last.end = end;
      last.peakDb = Math.max(last.peakDb, peakDb);
    } else out.push({ start, end, peakDb });
  }
  return out;
}

/** The level offset where the content is the same: median gain of the highly correlated windows (1 when there are none). */
function matchingGain(st: WindowStats, floor: number): number {
  const gains: number[] = [];
  for (let w = 0; w < st.ab.length; w++) {
    if (st.bb[w] <= floor || st.aa[w] <= floor) continue;
    const corr = st.ab[w] / Math.sqrt(st.aa[w] * st.bb[w]);
    if (corr > 0.999) gains.push(st.ab[w] / st.bb[w]);
  }
  if (gains.length === 0) return 1;
  gains.sort((x, y) => x - y);
  const m = gains.length >> 1;
  return gains.length % 2 ? gains[m] : (gains[m - 1] + gains[m]) / 2;
}

export function nullTest(a: FrameSource, b: FrameSource, opts: { windowFrames: number; thresholdDb?: number; mergeGapFrames?: number }): NullResult {
  if (a.channels !== b.channels) throw new RangeError(`cannot null a ${a.channels}-channel file against a ${b.channels}-channel one`);
  const threshold = opts.thresholdDb ?? -60;
  const W = opts.windowFrames;
  const gap = opts.mergeGapFrames ?? 5 * W;
  const total = Math.max(a.frames, b.frames);
  const raw = windows(a, b, 1, W, true);
  const ranges = rangesOf(raw.peak, W, total, threshold, gap);
  // windows quieter than the threshold (as mean square over the window) do not vote on the level
  const floor = Math.pow(10, threshold / 10) * W * a.channels;
  const g = matchingGain(raw, floor);
  let gainDb = Math.round(20 * Math.log10(g) * 100) / 100;
  if (Object.is(gainDb, -0)) gainDb = 0;
  const levelMatched = gainDb === 0 ? ranges : rangesOf(windows(a, b, g, W, false).peak, W, total, threshold, gap);
  return { windowFrames: W, thresholdDb: threshold, ranges, gainDb, levelMatched };
}
