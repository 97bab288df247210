/**
 * Frame rates and SMPTE timecode.
 *
 * Timeline positions are integer sample indices. Timecode maps to a frame
 * count (SMPTE 12M, drop-frame counted correctly), and frames map to samples
 * through the exact rational frame rate `num / den` frames per second, computed
 * with BigInt so that e.g. one 23.976 frame at 48 kHz is exactly 2002 samples.
 *
 * Rounding rule used everywhere in this module (and in units.ts): exact
 * rational arithmetic, then round half away from zero, so that a negative
 * offset is the mirror image of the positive one.
 */

export type FrameRateName = '23.976' | '24' | '25' | '29.97' | '29.97df' | '30';

export interface FrameRate {
  readonly name: FrameRateName;
  /** exact rational frames per second is num / den */
  readonly num: number;
  readonly den: number;
  /** frames counted per timecode second (24, 25 or 30) */
  readonly nominal: number;
  /** drop-frame timecode (frames ;00 and ;01 skipped each minute except every tenth) */
  readonly drop: boolean;
}

const mk = (name: FrameRateName, num: number, den: number, nominal: number, drop: boolean): FrameRate =>
  Object.freeze({ name, num, den, nominal, drop });

const RATES: Readonly<Record<FrameRateName, FrameRate>> = Object.freeze({
  '23.976': mk('23.976', 24000, 1001, 24, false),
  '24': mk('24', 24, 1, 24, false),
  '25': mk('25', 25, 1, 25, false),
  '29.97': mk('29.97', 30000, 1001, 30, false),
  '29.97df': mk('29.97df', 30000, 1001, 30, true),
  '30': mk('30', 30, 1, 30, false),
});

/** All supported frame rates, in ascending order. */
export const FRAME_RATES: readonly FrameRate[] = Object.freeze(
  (['23.976', '24', '25', '29.97', '29.97df', '30'] as const).map((n) => RATES[n]),
);

/** Base spellings (after normalisation) → non-drop rate name. */
const BASES = new Map<string, FrameRateName>([
  ['23.976', '23.976'],
  ['23.98', '23.976'],
  ['24000/1001', '23.976'],
  ['24', '24'],
  ['24/1', '24'],
  ['25', '25'],
  ['25/1', '25'],
  ['29.97', '29.97'],
  ['30000/1001', '29.97'],
  ['30', '30'],
  ['30/1', '30'],
]);

/**
 * Look up a frame rate: 24, 23.976, 23.98, 25, 29.97, 30 (numbers or strings),
 * '29.97df' / '29.97 DF' / '29.97-df' for drop-frame, an optional 'ndf' suffix
 * for explicit non-drop, an optional 'fps' suffix, or exact forms like
 * '24000/1001'. Returns null when unknown (including drop-frame at a rate
 * that has no drop-frame timecode).
 */
export function frameRate(name: FrameRateName | number | string): FrameRate | null {
  let key: string;
  if (typeof name === 'number') {
    if (!Number.isFinite(name)) return null;
    key = String(name);
  } else if (typeof name === 'string') {
    key = name.trim().toLowerCase().replace(/\s+/g, '');
  } else {
    return null;
  }
  key = key.replace(/fps$/, '');
  let drop = false;
  const suffix = /^(.*?)[-_]?(n?df)$/.exec(key);
  if (suffix) {
    key = suffix[1]!;
    drop = suffix[2] === 'df';
  }
  // normalise plain decimals: '24.0' → '24', '29.970' → '29.97'
  if (/^\d+(\.\d+)?$/.test(key)) key = String(Number(key));
  const base = BASES.get(key);
  if (!base) return null;
  if (drop) return base === '29.97' ? RATES['29.97df'] : null;
  return RATES[base];
}

/** Human label for messages: "24 fps", "29.97 fps drop-frame". */
export function frameRateLabel(rate: FrameRate): string {
  return rate.drop ? `${rate.name.replace(/df$/, '')} fps drop-frame` : `${rate.name} fps`;
}

// ---------------------------------------------------------------------------
// drop-frame arithmetic (SMPTE 12M): 2 frame numbers dropped per minute except
// every tenth minute, for 30-nominal drop-frame (29.97df).

function dropPerMinute(rate: FrameRate): number {
  return rate.drop ? Math.round(rate.nominal / 15) : 0; // 2 for 30-nominal
}

/** Frames in one 24-hour timecode day. */
export function framesPerDay(rate: FrameRate): number {
  const nominalDay = rate.nominal * 86400;
  return nominalDay - dropPerMinute(rate) * 9 * 144; // 9 dropping minutes in each of 144 ten-minute blocks
}

const TC_RE = /^(\d{2})([:;])(\d{2})([:;])(\d{2})([:;])(\d{2})$/;

/**
 * Parse 'HH:MM:SS:FF' (or 'HH:MM:SS;FF' for drop-frame) into a frame count
 * since 00:00:00:00. A ';' anywhere marks drop-frame notation and is only
 * accepted when `rate.drop`; a drop-frame rate also accepts ':' throughout.
 */
export function parseTimecode(text: string, rate: FrameRate): { frames: number } | { error: string } {
  const sepF = rate.drop ? ';' : ':';
  const example = `01:00:00${sepF}00`;
  if (typeof text !== 'string') {
    return { error: `expected a timecode like "${example}" (HH:MM:SS${sepF}FF), got ${String(text)} (a ${typeof text})` };
  }
  const t = text.trim();
  const m = TC_RE.exec(t);
  if (!m) {
    return { error: `expected a timecode like "${example}" (HH:MM:SS${sepF}FF, two digits each), got "${text}"` };
  }
  const hh = Number(m[1]);
  const mm = Number(m[3]);
  const ss = Number(m[5]);
  const ff = Number(m[7]);
  if (t.includes(';') && !rate.drop) {
    return {
      error: `timecode "${t}" uses ";", which marks drop-frame timecode, but the frame rate is ${frameRateLabel(rate)} (not drop-frame); write "${t.replace(/;/g, ':')}"`,
    };
  }
  if (hh > 23) return { error: `timecode "${t}": hours must be 00–23, got ${m[1]}` };
  if (mm > 59) return { error: `timecode "${t}": minutes must be 00–59, got ${m[3]}` };
  if (ss > 59) return { error: `timecode "${t}": seconds must be 00–59, got ${m[5]}` };
  if (ff >= rate.nominal) {
    const last = String(rate.nominal - 1).padStart(2, '0');
    return { error: `timecode "${t}": frame ${m[7]} does not exist at ${frameRateLabel(rate)} (frames run 00–${last})` };
  }
  const drop = dropPerMinute(rate);
  if (drop > 0 && ss === 0 && ff < drop && mm % 10 !== 0) {
    const next = `${m[1]}:${m[3]}:00;${String(drop).padStart(2, '0')}`;
    return {
      error: `timecode "${t}" does not exist in drop-frame timecode: frames 00 and 01 are skipped at the start of every minute except minutes 00, 10, 20, 30, 40 and 50 (the next valid timecode is "${next}")`,
    };
  }
  const totalMinutes = hh * 60 + mm;
  const frames =
    (hh * 3600 + mm * 60 + ss) * rate.nominal + ff - drop * (totalMinutes - Math.floor(totalMinutes / 10));
  return { frames };
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** Frame count → timecode string; hours wrap at 24 (negative counts wrap too). */
export function framesToTimecode(frames: number, rate: FrameRate): string {
  if (!Number.isSafeInteger(frames)) throw new RangeError(`frame count must be an integer, got ${frames}`);
  const day = framesPerDay(rate);
  let f = ((frames % day) + day) % day;
  const drop = dropPerMinute(rate);
  if (drop > 0) {
    const perMinute = rate.nominal * 60 - drop; // 1798
    const perTen = rate.nominal * 600 - 9 * drop; // 17982
    const d = Math.floor(f / perTen);
    const r = f % perTen;
    f += 9 * drop * d + (r > drop ? drop * Math.floor((r - drop) / perMinute) : 0);
  }
  const fps = rate.nominal;
  const ff = f % fps;
  const totalSeconds = Math.floor(f / fps);
  const ss = totalSeconds % 60;
  const mm = Math.floor(totalSeconds / 60) % 60;
  const hh = Math.floor(totalSeconds / 3600) % 24;
  return `${pad2(hh)}:${pad2(mm)}:${pad2(ss)}${rate.drop ? ';' : ':'}${pad2(ff)}`;
}

// ---------------------------------------------------------------------------
// exact rational helpers (shared with units.ts)

/**
 * The exact decimal value of a finite number as JavaScript prints it (its
 * shortest round-trip form), as a fraction n/d with d > 0. So 0.1 → 1/10, not
 * the binary approximation: what the user wrote is what gets computed.
 */
export function exactDecimal(x: number): { n: bigint; d: bigint } {
  if (!Number.isFinite(x)) throw new RangeError(`expected a finite number, got ${x}`);
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/.exec(String(x));
  if (!m) throw new RangeError(`cannot read number ${x}`);
  const frac = m[3] ?? '';
  let n = BigInt(m[2]! + frac);
  if (m[1] === '-') n = -n;
  const exp = Number(m[4] ?? '0') - frac.length;
  return exp >= 0 ? { n: n * 10n ** BigInt(exp), d: 1n } : { n, d: 10n ** BigInt(-exp) };
}

/** round(n / d), half away from zero; d > 0. */
export function roundDiv(n: bigint, d: bigint): bigint {
  const q = n / d;
  const r = n % d;
  if (r === 0n) return q;
  const twice = 2n * (r < 0n ? -r : r);
  if (twice >= d) return n < 0n ? q - 1n : q + 1n;
  return q;
}

/** floor(n / d); d > 0. */
export function floorDiv(n: bigint, d: bigint): bigint {
  const q = n / d;
  return n % d !== 0n && n < 0n ? q - 1n : q;
}

function checkSampleRate(sampleRate: number): bigint {
  if (!Number.isSafeInteger(sampleRate) || sampleRate <= 0) {
    throw new RangeError(`sample rate must be a positive integer, got ${sampleRate}`);
  }
  return BigInt(sampleRate);
}

function framesToSamplesBig(n: bigint, d: bigint, rate: FrameRate, sr: bigint): bigint {
  return roundDiv(n * BigInt(rate.den) * sr, d * BigInt(rate.num));
}

/**
 * Sample index at which frame `frames` starts: round(frames · den · sampleRate / num),
 * exact. Fractional frames are allowed (rounded once, at the end).
 */
export function framesToSamples(frames: number, rate: FrameRate, sampleRate: number): number {
  const sr = checkSampleRate(sampleRate);
  const { n, d } = exactDecimal(frames);
  return Number(framesToSamplesBig(n, d, rate, sr));
}

/**
 * The frame containing sample `samples`: the largest frame f whose start
 * sample framesToSamples(f) is ≤ samples. This is floor(samples · num / (den · sampleRate))
 * whenever a frame is a whole number of samples, and stays the exact inverse of
 * framesToSamples when it is not (e.g. 23.976 at 44.1 kHz).
 */
export function samplesToFrames(samples: number, rate: FrameRate, sampleRate: number): number {
  if (!Number.isSafeInteger(samples)) throw new RangeError(`sample index must be an integer, got ${samples}`);
  const sr = checkSampleRate(sampleRate);
  const s = BigInt(samples);
  let f = floorDiv(s * BigInt(rate.num), BigInt(rate.den) * sr);
  while (framesToSamplesBig(f + 1n, 1n, rate, sr) <= s) f += 1n;
  while (framesToSamplesBig(f, 1n, rate, sr) > s) f -= 1n;
  return Number(f);
}

/** Timecode → sample index of the start of that frame. */
export function timecodeToSamples(
  text: string,
  rate: FrameRate,
  sampleRate: number,
): { samples: number } | { error: string } {
  const r = parseTimecode(text, rate);
  if ('error' in r) return r;
  return { samples: framesToSamples(r.frames, rate, sampleRate) };
}

/** Sample index → timecode of the frame containing it. */
export function samplesToTimecode(samples: number, rate: FrameRate, sampleRate: number): string {
  return framesToTimecode(samplesToFrames(samples, rate, sampleRate), rate);
}
