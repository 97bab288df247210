/**
 * Music cue edits: pieces of one source recording placed back to back, with crossfades
 * at the joins and an optional fade in and out of the whole cue.
 *
 * ## Timeline
 *
 * Segment k covers source samples [from_k, to_k) and plays `repeat_k` times in a row
 * (default 1). The instances are laid end to end at their nominal lengths L = to − from,
 * so the cue is Σ L long whatever the crossfades, and the join between instance j − 1 and
 * instance j sits at J_j = L_0 + … + L_(j−1).
 *
 * A join into an instance of segment k uses that segment's `crossfade` (X samples, default
 * `options.crossfade`, else 0 = butt splice) and `crossfadeCurve`. Because the crossfade
 * needs material from both sides of the nominal cut, the outgoing piece plays on past its
 * `to` and the incoming piece starts before its `from` ("handles"):
 *
 *   align 'centre' (default): the crossfade spans [J − ⌊X/2⌋, J − ⌊X/2⌋ + X) — half before the
 *     cut, half after; the outgoing piece reads X − ⌊X/2⌋ samples past `to`, the incoming
 *     one ⌊X/2⌋ samples before `from`.
 *   align 'end': the crossfade spans [J − X, J) and is complete at the cut, so the incoming
 *     piece is at full level exactly from its `from` (a downbeat stays clean); it reads X
 *     samples before `from` and the outgoing piece needs no material past `to`.
 *
 * ## Gains
 *
 * Within a crossfade of X samples, at position p = 0 … X − 1 the incoming piece is scaled by
 * c(p/X) and the outgoing one by c((X − p)/X), the same convention as fade.ts (a fade-in
 * starts silent; a fade-out ends one step above silence):
 *
 *   linear       c(x) = x             in + out = 1: seamless for identical (correlated) material
 *   equal-power  c(x) = sin(πx/2)     in² + out² = 1: constant power for unrelated material
 *
 * Equal power is the default because most joins are between different material; across a
 * join of *correlated* material (a loop of the same passage, a cut at the same musical
 * position) it sums amplitudes to sin + cos, up to √2 (+3.01 dB) at the middle. Use
 * 'linear' for those joins.
 *
 * The cue fade-in over its first F samples scales sample n by c(n/F); the fade-out over its
 * last G samples scales sample n by c((length − n)/G).
 *
 * `planEdit` turns the edit into plain data (one read per instance); `renderEdit` streams it
 * into blocks from a random-access source reader. Gains depend only on the timeline index,
 * so any block split renders the same samples.
 */

export type FadeCurve = 'linear' | 'equal-power';

export interface EditSegment {
  /** First source sample (inclusive). */
  readonly from: number;
  /** End source sample (exclusive). */
  readonly to: number;
  /** How many times the segment plays in a row. Default 1. */
  readonly repeat?: number;
  /** Crossfade (samples) at every join *into* this segment; unused before the cue's first instance. */
  readonly crossfade?: number;
  readonly crossfadeCurve?: FadeCurve;
}

export interface EditOptions {
  /** Crossfade (samples) for joins whose segment does not set one. Default 0. */
  readonly crossfade?: number;
  /** Default 'equal-power'. */
  readonly crossfadeCurve?: FadeCurve;
  /** Where the crossfade sits relative to the cut. Default 'centre'. */
  readonly align?: 'centre' | 'end';
  /** Fade-in of the whole cue (samples). Default 0. */
  readonly fadeIn?: number;
  readonly fadeInCurve?: FadeCurve;
  /** Fade-out of the whole cue (samples). Default 0. */
  readonly fadeOut?: number;
  readonly fadeOutCurve?: FadeCurve;
  /** Length of the source (samples); when given, every read is checked to lie inside it. */
  readonly sourceLength?: number;
}

/** One contiguous read of the source and where it goes. */
export interface EditRead {
  /** Index into the segment list, and which repetition of it (0-based). */
  readonly segment: number;
  readonly repetition: number;
  /** Timeline sample of the read's first sample (handle included). */
  readonly timelineStart: number;
  /** Source sample of the read's first sample. */
  readonly sourceStart: number;
  readonly length: number;
  /** Fade over the read's first `fadeIn` samples (the crossfade into it). */
  readonly fadeIn: number;
  readonly fadeInCurve: FadeCurve;
  /** Fade over the read's last `fadeOut` samples (the crossfade out of it). */
  readonly fadeOut: number;
  readonly fadeOutCurve: FadeCurve;
}

export interface EditPlan {
  /** Cue length in samples: the sum of the instances' nominal lengths. */
  readonly length: number;
  /** In timeline order; at most two overlap at any sample. */
  readonly reads: readonly EditRead[];
  readonly fadeIn: number;
  readonly fadeInCurve: FadeCurve;
  readonly fadeOut: number;
  readonly fadeOutCurve: FadeCurve;
}

/** Fills out[0 … frames·channels) with source frames [start, start + frames), interleaved. Must throw if it cannot. */
export type SourceReader = (start: number, frames: number, out: Float32Array) => void;

function checkCount(what: string, v: number, min: number): void {
  if (!(Number.isInteger(v) && v >= min)) throw new RangeError(`music edit: ${what} must be an integer ≥ ${min}, got ${v}`);
}

function checkCurve(what: string, c: FadeCurve): void {
  if (c !== 'linear' && c !== 'equal-power') throw new RangeError(`music edit: ${what} must be 'linear' or 'equal-power', got ${JSON.stringify(c)}`);
}

/** Lays out an edit (rules in the file header). Throws RangeError for impossible edits. */
export function planEdit(segments: readonly EditSegment[], opts: EditOptions = {}): EditPlan {
  if (segments.length === 0) throw new RangeError('music edit: needs at least one segment');
  const align = opts.align ?? 'centre';
  if (align !== 'centre' && align !== 'end') throw new RangeError(`music edit: align must be 'centre' or 'end', got ${JSON.stringify(align)}`);
  const defaultX = opts.crossfade ?? 0;
  const defaultCurve = opts.crossfadeCurve ?? 'equal-power';
  checkCount('crossfade', defaultX, 0);
  checkCurve('crossfadeCurve', defaultCurve);
  const sourceLength = opts.sourceLength;
  if (sourceLength !== undefined) checkCount('sourceLength', sourceLength, 0);

  // expand repeats into instances
  interface Instance { seg: number; rep: number; from: number; len: number; x: number; curve: FadeCurve }
  const inst: Instance[] = [];
  segments.forEach((s, k) => {
    checkCount(`segment ${k} from`, s.from, 0);
    checkCount(`segment ${k} to`, s.to, 0);
    if (!(s.to > s.from)) throw new RangeError(`music edit: segment ${k} is empty or reversed (from ${s.from}, to ${s.to})`);
    const repeat = s.repeat ?? 1;
    checkCount(`segment ${k} repeat`, repeat, 1);
    const x = s.crossfade ?? defaultX;
    checkCount(`segment ${k} crossfade`, x, 0);
    const curve = s.crossfadeCurve ?? defaultCurve;
    checkCurve(`segment ${k} crossfadeCurve`, curve);
    for (let r = 0; r < repeat; r++) inst.push({ seg: k, rep: r, from: s.from, len: s.to - s.from, x, curve });
  });

  // join j (1 ≤ j < m) lies before instance j: length X_j, of which `before_j` precede the cut
  const m = inst.length;
  const X = (j: number): number => (j >= 1 && j < m ? inst[j]!.x : 0);
  const before = (j: number): number => (align === 'centre' ? Math.floor(X(j) / 2) : X(j));

  const reads: EditRead[] = [];
  let J = 0;
  for (let j = 0; j < m; j++) {
    const it = inst[j]!;
    const pre = before(j);
    const post = X(j + 1) - before(j + 1);
    const name = `segment ${it.seg}${it.rep > 0 ? ` (repeat ${it.rep + 1})` : ''}`;
    // the crossfades into and out of this instance must not overlap each other
    if (X(j) - pre + before(j + 1) > it.len) {
      throw new RangeError(
        `music edit: ${name} is ${it.len} samples long, too short for its crossfades (${X(j)} in, ${X(j + 1)} out)`,
      );
    }
    const sourceStart = it.from - pre;
    if (sourceStart < 0) {
      throw new RangeError(`music edit: ${name} needs ${pre} samples of handle before source sample ${it.from}`);
    }
    if (sourceLength !== undefined && it.from + it.len + post > sourceLength) {
      throw new RangeError(
        `music edit: ${name} reads to source sample ${it.from + it.len + post}, past the source's ${sourceLength}`,
      );
    }
    reads.push({
      segment: it.seg,
      repetition: it.rep,
      timelineStart: J - pre,
      sourceStart,
      length: it.len + pre + post,
      fadeIn: X(j),
      fadeInCurve: it.curve,
      fadeOut: X(j + 1),
      fadeOutCurve: j + 1 < m ? inst[j + 1]!.curve : 'linear',
    });
    J += it.len;
  }

  const fadeIn = opts.fadeIn ?? 0;
  const fadeOut = opts.fadeOut ?? 0;
  const fadeInCurve = opts.fadeInCurve ?? 'linear';
  const fadeOutCurve = opts.fadeOutCurve ?? 'linear';
  checkCount('fadeIn', fadeIn, 0);
  checkCount('fadeOut', fadeOut, 0);
  checkCurve('fadeInCurve', fadeInCurve);
  checkCurve('fadeOutCurve', fadeOutCurve);
  if (fadeIn + fadeOut > J) throw new RangeError(`music edit: fades (${fadeIn} + ${fadeOut}) are longer than the cue (${J})`);
  return { length: J, reads, fadeIn, fadeInCurve, fadeOut, fadeOutCurve };
}

/** c(x): 'linear' x, 'equal-power' sin(πx/2). */
export function fadeCurve(kind: FadeCurve, x: number): number {
  return kind === 'linear' ? x : Math.sin((x * Math.PI) / 2);
}

/** Gain of `read` at timeline sample n (0 outside the read). */
export function readGainAt(read: EditRead, n: number): number {
  const i = n - read.timelineStart;
  if (i < 0 || i >= read.length) return 0;
  let g = 1;
  if (i < read.fadeIn) g *= fadeCurve(read.fadeInCurve, i / read.fadeIn);
  const fromEnd = read.length - i; // 1 on the last sample
  if (fromEnd <= read.fadeOut) g *= fadeCurve(read.fadeOutCurve, fromEnd / read.fadeOut);
  return g;
}

/** Gain of the cue fades at timeline sample n (0 outside the cue). */
export function cueGainAt(plan: EditPlan, n: number): number {
  if (n < 0 || n >= plan.length) return 0;
  let g = 1;
  if (n < plan.fadeIn) g *= fadeCurve(plan.fadeInCurve, n / plan.fadeIn);
  const fromEnd = plan.length - n;
  if (fromEnd <= plan.fadeOut) g *= fadeCurve(plan.fadeOutCurve, fromEnd / plan.fadeOut);
  return g;
}

/**
 * Renders cue samples [start, start + frames) into `out` (interleaved, `channels` per
 * frame): out = cueGain · Σ_reads readGain · source. Samples outside the cue are 0.
 * `scratch` receives the reader's output and must hold frames·channels samples.
 * Reads are summed in plan order straight into `out`; pass a Float64Array to keep the
 * sum of an overlap in double precision. Allocation-free.
 */
export function renderEdit(
  plan: EditPlan,
  read: SourceReader,
  out: Float32Array | Float64Array,
  start: number,
  frames: number,
  scratch: Float32Array,
  channels = 1,
): void {
  checkCount('channels', channels, 1);
  checkCount('frames', frames, 0);
  if (!Number.isInteger(start)) throw new RangeError(`music edit: start must be an integer, got ${start}`);
  const need = frames * channels;
  if (out.length < need) throw new RangeError(`music edit: out holds ${out.length} samples, need ${need}`);
  if (scratch.length < need) throw new RangeError(`music edit: scratch holds ${scratch.length} samples, need ${need}`);
  out.fill(0, 0, need);
  const end = start + frames;
  const reads = plan.reads;
  // first read that ends after `start` (reads are sorted by start and by end)
  let lo = 0;
  let hi = reads.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const r = reads[mid]!;
    if (r.timelineStart + r.length <= start) lo = mid + 1;
    else hi = mid;
  }
  for (let ri = lo; ri < reads.length; ri++) {
    const r = reads[ri]!;
    if (r.timelineStart >= end) break;
    const a = Math.max(start, r.timelineStart, 0);
    const b = Math.min(end, r.timelineStart + r.length, plan.length);
    if (b <= a) continue;
    read(r.sourceStart + (a - r.timelineStart), b - a, scratch);
    for (let n = a; n < b; n++) {
      const g = readGainAt(r, n) * cueGainAt(plan, n);
      const s = (n - a) * channels;
      const o = (n - start) * channels;
      for (let c = 0; c < channels; c++) out[o + c] += g * scratch[s + c]!;
    }
  }
}
