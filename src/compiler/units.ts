/**
 * The one parser for human unit strings in the project YAML: '-6 dB',
 * '250 ms', '12f', '-30 deg', '20 m', '50 Hz', '-27 LUFS', '-2 dBTP', …
 *
 * Values are normalised to one canonical unit per quantity (seconds, frames,
 * degrees, metres, hertz, …). Unit scaling is done on the decimal digits the
 * user wrote (not by float multiplication), so '1.1 ms' is exactly the double
 * nearest 0.0011. Unit spellings are case-insensitive. Locale independent.
 */

import { type FrameRate, exactDecimal, framesToSamples, roundDiv } from './timecode.ts';

export type Unit = 'dB' | 's' | 'f' | 'deg' | 'm' | 'Hz' | 'LUFS' | 'LU' | 'dBTP' | 'dBFS' | '%' | 'degC' | 'kPa';

export interface Quantity {
  value: number;
  unit: Unit;
}

export const UNITS: readonly Unit[] = Object.freeze(['dB', 's', 'f', 'deg', 'm', 'Hz', 'LUFS', 'LU', 'dBTP', 'dBFS', '%', 'degC', 'kPa']);

interface Spelling {
  unit: Unit;
  /** value = number · mult · 10^shift */
  mult: bigint;
  shift: number;
}

const SPELLINGS = new Map<string, Spelling>();
function spell(unit: Unit, names: string[], mult = 1n, shift = 0): void {
  for (const n of names) SPELLINGS.set(n.toLowerCase(), { unit, mult, shift });
}
spell('dB', ['dB']);
spell('s', ['s', 'sec', 'secs', 'second', 'seconds']);
spell('s', ['ms', 'msec', 'msecs', 'millisecond', 'milliseconds'], 1n, -3);
spell('s', ['min', 'mins', 'minute', 'minutes'], 60n);
spell('f', ['f', 'fr', 'frame', 'frames']);
spell('deg', ['deg', 'degs', 'degree', 'degrees', '°']);
spell('m', ['m', 'meter', 'meters', 'metre', 'metres']);
spell('m', ['cm'], 1n, -2);
spell('m', ['mm'], 1n, -3);
spell('Hz', ['Hz']);
spell('Hz', ['kHz'], 1n, 3);
spell('LUFS', ['LUFS', 'LKFS']);
spell('LU', ['LU']);
spell('dBTP', ['dBTP']);
spell('dBFS', ['dBFS']);
spell('%', ['%', 'percent']);
spell('degC', ['°C', 'degC', 'celsius']);
spell('kPa', ['kPa']);

const EXPECTED_UNITS = 'dB, ms, s, min, f (frames), deg or °, m, cm, Hz, kHz, LUFS (or LKFS), LU, dBTP, dBFS, %, °C, kPa';
const EXAMPLES = '"-6 dB", "250 ms", "12f", "20 m", "-27 LUFS"';

/** leading number (optional sign, incl. U+2212 minus), then the unit text */
const QUANTITY_RE = /^([+\-\u2212]?)(\d+(?:\.\d+)?|\.\d+)\s*(.*)$/s;

type Parsed = { ok: Quantity } | { bare: number } | { error: string; reason: string };

function show(text: unknown): string {
  return typeof text === 'string' ? `"${text}"` : String(text);
}

function parseInternal(text: unknown): Parsed {
  if (typeof text === 'number') {
    if (!Number.isFinite(text)) {
      return { error: `${text} is not a finite number; expected a number with a unit, e.g. ${EXAMPLES}`, reason: 'not a finite number' };
    }
    return { bare: text === 0 ? 0 : text };
  }
  if (typeof text !== 'string') {
    return {
      error: `expected a number with a unit, e.g. ${EXAMPLES} (units: ${EXPECTED_UNITS}); got ${text === null ? 'null' : typeof text === 'object' ? 'an object' : `a ${typeof text}`}`,
      reason: `not a string`,
    };
  }
  const t = text.trim();
  if (t === '') {
    return { error: `expected a number with a unit, e.g. ${EXAMPLES} (units: ${EXPECTED_UNITS}); got an empty string`, reason: 'empty' };
  }
  const m = QUANTITY_RE.exec(t);
  if (!m) {
    return {
      error: `"${t}" does not start with a number; expected a number with a unit, e.g. ${EXAMPLES} (units: ${EXPECTED_UNITS})`,
      reason: 'no number',
    };
  }
  const negative = m[1] === '-' || m[1] === '\u2212';
  const num = m[2]!;
  const unitText = m[3]!.trim();
  const dot = num.indexOf('.');
  const digits = BigInt(dot < 0 ? num : num.slice(0, dot) + num.slice(dot + 1));
  const exp = dot < 0 ? 0 : -(num.length - dot - 1);
  let spelling: Spelling | undefined;
  if (unitText !== '') {
    spelling = SPELLINGS.get(unitText.toLowerCase());
    if (!spelling) {
      return {
        error: `unknown unit "${unitText}" in "${t}"; expected one of: ${EXPECTED_UNITS}`,
        reason: `unknown unit "${unitText}"`,
      };
    }
  }
  const scaled = digits * (spelling?.mult ?? 1n);
  let value = Number(`${negative ? '-' : ''}${scaled}e${exp + (spelling?.shift ?? 0)}`);
  if (!Number.isFinite(value)) return { error: `"${t}" is out of range`, reason: 'out of range' };
  if (value === 0) value = 0; // no negative zero
  if (!spelling) return { bare: value };
  return { ok: { value, unit: spelling.unit } };
}

/**
 * Parse a human quantity. A bare number (or a string without a unit) is an
 * error here; use parseAs with allowBare to accept one.
 */
export function parseQuantity(text: string | number): Quantity | { error: string } {
  const r = parseInternal(text);
  if ('ok' in r) return r.ok;
  if ('bare' in r) {
    return {
      error: `${show(text)} has no unit; write a number with a unit, e.g. ${EXAMPLES} (units: ${EXPECTED_UNITS})`,
    };
  }
  return { error: r.error };
}

const KINDS: Record<Unit, { noun: string; example: string }> = {
  dB: { noun: 'a gain', example: '-6 dB' },
  s: { noun: 'a duration', example: '250 ms' },
  f: { noun: 'a duration', example: '12f' },
  deg: { noun: 'an angle', example: '-30 deg' },
  m: { noun: 'a distance', example: '20 m' },
  Hz: { noun: 'a frequency', example: '50 Hz' },
  LUFS: { noun: 'a loudness', example: '-27 LUFS' },
  LU: { noun: 'a loudness difference', example: '2 LU' },
  dBTP: { noun: 'a true-peak level', example: '-2 dBTP' },
  dBFS: { noun: 'a level', example: '-1 dBFS' },
  '%': { noun: 'a percentage', example: '50 %' },
  degC: { noun: 'a temperature', example: '10 °C' },
  kPa: { noun: 'a pressure', example: '101.325 kPa' },
};

/** 'a gain like "-6 dB"', 'a duration like "250 ms" or "12f"', … */
export function describeUnits(allowed: readonly Unit[]): string {
  const groups = new Map<string, string[]>();
  for (const u of allowed) {
    const k = KINDS[u];
    const list = groups.get(k.noun) ?? [];
    if (!list.includes(k.example)) list.push(k.example);
    groups.set(k.noun, list);
  }
  if (groups.size === 0) return 'nothing';
  return [...groups].map(([noun, ex]) => `${noun} like ${ex.map((e) => `"${e}"`).join(' or ')}`).join(' or ');
}

/**
 * Parse a quantity and require one of `allowed` units. With `allowBare`, a
 * number without a unit (YAML number or unit-less string) is taken in that unit.
 */
export function parseAs(
  text: string | number,
  allowed: Unit[],
  opts?: { allowBare?: Unit },
): Quantity | { error: string } {
  const r = parseInternal(text);
  const expected = `expected ${describeUnits(allowed)}`;
  if ('error' in r) return { error: `${expected}, got ${show(text)}: ${r.reason}` };
  if ('bare' in r) {
    if (opts?.allowBare) return { value: r.bare, unit: opts.allowBare };
    return { error: `${expected}, got ${show(text)}: a number needs a unit` };
  }
  if (!allowed.includes(r.ok.unit)) return { error: `${expected}, got ${show(typeof text === 'string' ? text.trim() : text)}` };
  return r.ok;
}

export function dbToGain(db: number): number {
  return db === -Infinity ? 0 : Math.pow(10, db / 20);
}

/** Level of a linear gain in dB (of its magnitude: a polarity-inverted gain of -1 is 0 dB); 0 → -Infinity. */
export function gainToDb(g: number): number {
  return 20 * Math.log10(Math.abs(g));
}

/**
 * A duration ('s' or 'f') as a whole number of samples. 's' → round(value · sampleRate),
 * 'f' → framesToSamples(value) (fractional frames allowed); both exact, rounding
 * once at the end, half away from zero. Throws RangeError for other units.
 */
export function durationToSamples(q: Quantity, sampleRate: number, rate: FrameRate): number {
  if (q.unit === 'f') return framesToSamples(q.value, rate, sampleRate);
  if (q.unit !== 's') throw new RangeError(`expected a duration like "250 ms" or "12f", got "${formatQuantity(q)}"`);
  if (!Number.isSafeInteger(sampleRate) || sampleRate <= 0) {
    throw new RangeError(`sample rate must be a positive integer, got ${sampleRate}`);
  }
  const { n, d } = exactDecimal(q.value);
  return Number(roundDiv(n * BigInt(sampleRate), d));
}

/** Up to 6 decimals, no trailing zeros, no exponent for ordinary magnitudes, never '-0'. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v) || Math.abs(v) >= 1e21) return String(v);
  let s = v.toFixed(6);
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  return s === '-0' ? '0' : s;
}

/** Canonical text of a quantity, for `fmt` and diffs. */
export function formatQuantity(q: Quantity): string {
  const n = formatNumber(q.value);
  switch (q.unit) {
    case 's': {
      const ms = /^(-?)0\.(\d{1,3})$/.exec(n);
      if (ms) return `${ms[1]}${Number(ms[2]!.padEnd(3, '0'))} ms`;
      return `${n} s`;
    }
    case 'f':
      return `${n}f`;
    case 'degC':
      return `${n} °C`;
    default:
      return `${n} ${q.unit}`;
  }
}
