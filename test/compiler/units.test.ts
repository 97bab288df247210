import { describe, expect, it } from 'vitest';
import { frameRate, type FrameRate } from '../../src/compiler/timecode.ts';
import {
  type Quantity,
  type Unit,
  UNITS,
  dbToGain,
  describeUnits,
  durationToSamples,
  formatNumber,
  formatQuantity,
  gainToDb,
  parseAs,
  parseQuantity,
} from '../../src/compiler/units.ts';
import { prng } from '../helpers/signals.ts';

const R23 = frameRate('23.976') as FrameRate;
const R24 = frameRate(24) as FrameRate;
const R25 = frameRate(25) as FrameRate;

function q(text: string | number): Quantity {
  const r = parseQuantity(text);
  if ('error' in r) throw new Error(r.error);
  return r;
}

function err(r: Quantity | { error: string }): string {
  if (!('error' in r)) throw new Error(`expected an error, got ${JSON.stringify(r)}`);
  return r.error;
}

describe('parseQuantity: every unit and spelling', () => {
  const cases: Array<[string, number, Unit]> = [
    // gain
    ['-6 dB', -6, 'dB'],
    ['-6dB', -6, 'dB'],
    ['+3.5 dB', 3.5, 'dB'],
    ['0 dB', 0, 'dB'],
    ['-0 dB', 0, 'dB'],
    ['6 db', 6, 'dB'],
    ['−12 dB', -12, 'dB'], // U+2212 minus sign
    ['.5 dB', 0.5, 'dB'],
    ['  -6   dB  ', -6, 'dB'],
    // time
    ['250 ms', 0.25, 's'],
    ['250ms', 0.25, 's'],
    ['1.1 ms', 0.0011, 's'],
    ['1 msec', 0.001, 's'],
    ['1.5 s', 1.5, 's'],
    ['1.5s', 1.5, 's'],
    ['2 sec', 2, 's'],
    ['3 seconds', 3, 's'],
    ['1 second', 1, 's'],
    ['2 min', 120, 's'],
    ['2.1 min', 126, 's'],
    ['0.5 minutes', 30, 's'],
    ['1 minute', 60, 's'],
    ['-20 ms', -0.02, 's'],
    // frames
    ['12f', 12, 'f'],
    ['12 f', 12, 'f'],
    ['12 frames', 12, 'f'],
    ['1 frame', 1, 'f'],
    ['-2f', -2, 'f'],
    ['1.5f', 1.5, 'f'],
    ['3 fr', 3, 'f'],
    // angle
    ['-30 deg', -30, 'deg'],
    ['-30deg', -30, 'deg'],
    ['-30°', -30, 'deg'],
    ['-30 °', -30, 'deg'],
    ['45 degrees', 45, 'deg'],
    // distance
    ['20 m', 20, 'm'],
    ['20m', 20, 'm'],
    ['250 cm', 2.5, 'm'],
    ['15 mm', 0.015, 'm'],
    ['3 metres', 3, 'm'],
    ['3 meters', 3, 'm'],
    // frequency
    ['50 Hz', 50, 'Hz'],
    ['50hz', 50, 'Hz'],
    ['2 kHz', 2000, 'Hz'],
    ['2.5kHz', 2500, 'Hz'],
    ['0.1 kHz', 100, 'Hz'],
    // loudness
    ['-27 LUFS', -27, 'LUFS'],
    ['-27 LKFS', -27, 'LUFS'],
    ['-23.5 lufs', -23.5, 'LUFS'],
    ['2 LU', 2, 'LU'],
    ['+1 LU', 1, 'LU'],
    ['-2 dBTP', -2, 'dBTP'],
    ['-2dBTP', -2, 'dBTP'],
    ['-1 dBFS', -1, 'dBFS'],
    ['-1dbfs', -1, 'dBFS'],
    // percent
    ['50 %', 50, '%'],
    ['50%', 50, '%'],
    ['12.5 percent', 12.5, '%'],
    // air (atmosphere)
    ['8 °C', 8, 'degC'],
    ['-5°C', -5, 'degC'],
    ['21.5 degC', 21.5, 'degC'],
    ['101.325 kPa', 101.325, 'kPa'],
  ];
  for (const [text, value, unit] of cases) {
    it(`${JSON.stringify(text)} → ${value} ${unit}`, () => {
      const r = q(text);
      expect(r.unit).toBe(unit);
      expect(r.value).toBe(value); // exact: scaling is done on decimal digits
      expect(Object.is(r.value, -0)).toBe(false);
    });
  }

  it('covers every unit', () => {
    expect(new Set(cases.map((c) => c[2]))).toEqual(new Set(UNITS));
  });
});

describe('parseQuantity: errors', () => {
  it('rejects bare numbers', () => {
    expect(err(parseQuantity(5))).toMatch(/5 has no unit/);
    expect(err(parseQuantity('5'))).toMatch(/"5" has no unit/);
    expect(err(parseQuantity(0))).toMatch(/no unit/);
  });

  it('rejects NaN / Infinity', () => {
    expect(err(parseQuantity(NaN))).toMatch(/not a finite number/);
    expect(err(parseQuantity(Infinity))).toMatch(/not a finite number/);
    expect(err(parseQuantity('NaN dB'))).toMatch(/does not start with a number/);
    expect(err(parseQuantity('Infinity dB'))).toMatch(/does not start with a number/);
    expect(err(parseQuantity('-Infinity dB'))).toMatch(/does not start with a number/);
    expect(err(parseQuantity(`${'9'.repeat(400)} dB`))).toMatch(/out of range/);
  });

  it('rejects missing numbers and junk, listing the expected units', () => {
    for (const bad of ['dB', 'ms', '', '   ', 'loud', '- 6 dB', '+-6 dB', '--6 dB', 'abc 6 dB', '1e3 Hz', '1,5 s', '6 dB dB', '5.', '5. s', '1.2.3 s']) {
      const e = err(parseQuantity(bad));
      expect(e).toMatch(/dB, ms, s, min, f \(frames\)/);
    }
    expect(err(parseQuantity(''))).toMatch(/empty string/);
    expect(err(parseQuantity('dB'))).toMatch(/"dB" does not start with a number/);
  });

  it('rejects unknown units naming them', () => {
    const e = err(parseQuantity('5 parsecs'));
    expect(e).toMatch(/unknown unit "parsecs" in "5 parsecs"/);
    expect(e).toMatch(/expected one of: dB, ms, s, min, f \(frames\), deg or °, m, cm, Hz, kHz, LUFS \(or LKFS\), LU, dBTP, dBFS, %/);
    expect(err(parseQuantity('5 MHz'))).toMatch(/unknown unit "MHz"/);
    expect(err(parseQuantity('5 hours'))).toMatch(/unknown unit "hours"/);
    expect(err(parseQuantity('5 constructor'))).toMatch(/unknown unit/); // no prototype leaks
    expect(err(parseQuantity('5 toString'))).toMatch(/unknown unit/);
  });

  it('rejects non-string, non-number input at runtime', () => {
    expect(err(parseQuantity(null as unknown as string))).toMatch(/got null/);
    expect(err(parseQuantity(true as unknown as string))).toMatch(/got a boolean/);
    expect(err(parseQuantity({} as unknown as string))).toMatch(/got an object/);
  });
});

describe('parseAs', () => {
  it('accepts allowed units', () => {
    expect(parseAs('-6 dB', ['dB'])).toEqual({ value: -6, unit: 'dB' });
    expect(parseAs('12f', ['s', 'f'])).toEqual({ value: 12, unit: 'f' });
    expect(parseAs('250 ms', ['s', 'f'])).toEqual({ value: 0.25, unit: 's' });
  });

  it('names the expected kind when the unit is not allowed', () => {
    expect(err(parseAs('250 ms', ['dB']))).toBe('expected a gain like "-6 dB", got "250 ms"');
    expect(err(parseAs('-6 dB', ['s', 'f']))).toBe('expected a duration like "250 ms" or "12f", got "-6 dB"');
    expect(err(parseAs('12f', ['s']))).toBe('expected a duration like "250 ms", got "12f"');
    expect(err(parseAs('20 m', ['deg']))).toBe('expected an angle like "-30 deg", got "20 m"');
    expect(err(parseAs('50 Hz', ['m']))).toBe('expected a distance like "20 m", got "50 Hz"');
    expect(err(parseAs('-6 dB', ['Hz']))).toBe('expected a frequency like "50 Hz", got "-6 dB"');
    expect(err(parseAs('-6 dB', ['LUFS']))).toBe('expected a loudness like "-27 LUFS", got "-6 dB"');
    expect(err(parseAs('-6 dB', ['dBTP']))).toBe('expected a true-peak level like "-2 dBTP", got "-6 dB"');
    expect(err(parseAs('-6 dB', ['LU', '%']))).toBe(
      'expected a loudness difference like "2 LU" or a percentage like "50 %", got "-6 dB"',
    );
  });

  it('explains parse failures in the expected-kind message', () => {
    expect(err(parseAs('6 dBB', ['dB']))).toBe('expected a gain like "-6 dB", got "6 dBB": unknown unit "dBB"');
    expect(err(parseAs('loud', ['dB']))).toBe('expected a gain like "-6 dB", got "loud": no number');
    expect(err(parseAs(-6, ['dB']))).toBe('expected a gain like "-6 dB", got -6: a number needs a unit');
    expect(err(parseAs('-6', ['dB']))).toBe('expected a gain like "-6 dB", got "-6": a number needs a unit');
    expect(err(parseAs(NaN, ['dB'], { allowBare: 'dB' }))).toMatch(/not a finite number/);
  });

  it('allowBare takes a unit-less number in that unit', () => {
    expect(parseAs(50, ['Hz'], { allowBare: 'Hz' })).toEqual({ value: 50, unit: 'Hz' });
    expect(parseAs('50', ['Hz'], { allowBare: 'Hz' })).toEqual({ value: 50, unit: 'Hz' });
    expect(parseAs(-0, ['dB'], { allowBare: 'dB' })).toEqual({ value: 0, unit: 'dB' });
    expect(parseAs('2 kHz', ['Hz'], { allowBare: 'Hz' })).toEqual({ value: 2000, unit: 'Hz' });
    expect(err(parseAs('2 s', ['Hz'], { allowBare: 'Hz' }))).toBe('expected a frequency like "50 Hz", got "2 s"');
  });

  it('describeUnits groups by kind', () => {
    expect(describeUnits(['s', 'f'])).toBe('a duration like "250 ms" or "12f"');
    expect(describeUnits(['dB', 'dBFS'])).toBe('a gain like "-6 dB" or a level like "-1 dBFS"');
  });
});

describe('dB ↔ gain', () => {
  it('converts', () => {
    expect(dbToGain(0)).toBe(1);
    expect(dbToGain(20)).toBeCloseTo(10, 12);
    expect(dbToGain(-20)).toBeCloseTo(0.1, 12);
    expect(dbToGain(-6)).toBeCloseTo(0.501187, 6);
    expect(dbToGain(-Infinity)).toBe(0);
    expect(gainToDb(1)).toBe(0);
    expect(gainToDb(0.1)).toBeCloseTo(-20, 12);
    expect(gainToDb(2)).toBeCloseTo(6.0206, 4);
    expect(gainToDb(0)).toBe(-Infinity);
    expect(gainToDb(-1)).toBe(0);
  });

  it('round-trips (property)', () => {
    const rnd = prng(42);
    let worst = 0;
    for (let i = 0; i < 5000; i++) {
      const db = (rnd() - 0.75) * 240; // -180 .. +60 dB
      worst = Math.max(worst, Math.abs(gainToDb(dbToGain(db)) - db));
    }
    expect(worst).toBeLessThan(1e-9);
  });
});

describe('durationToSamples', () => {
  it('seconds', () => {
    expect(durationToSamples(q('250 ms'), 48000, R24)).toBe(12000);
    expect(durationToSamples(q('1.5 s'), 48000, R24)).toBe(72000);
    expect(durationToSamples(q('2 min'), 44100, R24)).toBe(5292000);
    expect(durationToSamples(q('1.1 ms'), 48000, R24)).toBe(53); // 52.8
    expect(durationToSamples(q('0.1 ms'), 44100, R24)).toBe(4); // 4.41
    // exact decimal ties round half away from zero (float 1.00001*50000 would not be exact)
    expect(durationToSamples({ value: 1.00001, unit: 's' }, 50000, R24)).toBe(50001);
    expect(durationToSamples({ value: -1.00001, unit: 's' }, 50000, R24)).toBe(-50001);
    expect(durationToSamples({ value: 0.0125, unit: 's' }, 44100, R24)).toBe(551); // 551.25
  });

  it('frames through the frame rate, fractional allowed', () => {
    expect(durationToSamples(q('12f'), 48000, R24)).toBe(24000);
    expect(durationToSamples(q('1f'), 48000, R23)).toBe(2002);
    expect(durationToSamples(q('-2f'), 48000, R23)).toBe(-4004);
    expect(durationToSamples(q('1f'), 44100, R23)).toBe(1839);
    expect(durationToSamples(q('0.5f'), 48000, R23)).toBe(1001);
    expect(durationToSamples(q('1.5f'), 44100, R23)).toBe(2759); // 2759.00625
    expect(durationToSamples(q('1f'), 48000, R25)).toBe(1920);
  });

  it('throws for non-durations', () => {
    expect(() => durationToSamples(q('-6 dB'), 48000, R24)).toThrow(/expected a duration.*got "-6 dB"/);
    expect(() => durationToSamples(q('1 s'), 0, R24)).toThrow(RangeError);
  });
});

describe('formatQuantity', () => {
  it('canonical forms', () => {
    const cases: Array<[string, string]> = [
      ['-6 dB', '-6 dB'],
      ['+3.5dB', '3.5 dB'],
      ['-0 dB', '0 dB'],
      ['250 ms', '250 ms'],
      ['0.25 s', '250 ms'],
      ['1 ms', '1 ms'],
      ['-20 ms', '-20 ms'],
      ['1.1 ms', '0.0011 s'],
      ['0.5 s', '500 ms'],
      ['1.5 s', '1.5 s'],
      ['1 s', '1 s'],
      ['0 s', '0 s'],
      ['2 min', '120 s'],
      ['12 frames', '12f'],
      ['1.5 f', '1.5f'],
      ['-30°', '-30 deg'],
      ['250 cm', '2.5 m'],
      ['20 m', '20 m'],
      ['2 kHz', '2000 Hz'],
      ['50 Hz', '50 Hz'],
      ['-27 LKFS', '-27 LUFS'],
      ['2 LU', '2 LU'],
      ['-2 dBTP', '-2 dBTP'],
      ['-1 dbfs', '-1 dBFS'],
      ['50 %', '50 %'],
      ['8 degC', '8 °C'],
      ['101.325 kpa', '101.325 kPa'],
    ];
    for (const [input, out] of cases) expect([input, formatQuantity(q(input))]).toEqual([input, out]);
  });

  it('prints up to 6 decimals without trailing zeros, never exponent or locale', () => {
    expect(formatNumber(1 / 3)).toBe('0.333333');
    expect(formatNumber(2 / 3)).toBe('0.666667');
    expect(formatNumber(1234567.5)).toBe('1234567.5');
    expect(formatNumber(1e-7)).toBe('0');
    expect(formatNumber(-1e-7)).toBe('0');
    expect(formatNumber(0.1 + 0.2)).toBe('0.3');
    expect(formatNumber(1e20)).toBe('100000000000000000000');
    expect(formatQuantity({ value: 0.1 + 0.2, unit: 's' })).toBe('300 ms');
    expect(formatQuantity({ value: 12345.678, unit: 'Hz' })).toBe('12345.678 Hz');
    expect(formatQuantity({ value: 1 / 3, unit: 'f' })).toBe('0.333333f');
  });

  it('format → parse round-trips (property)', () => {
    const rnd = prng(7);
    const bad: string[] = [];
    for (let i = 0; i < 5000; i++) {
      const unit = UNITS[Math.floor(rnd() * UNITS.length)]!;
      const scale = [1, 10, 1000, 0.01][Math.floor(rnd() * 4)]!;
      const value = Math.round((rnd() - 0.5) * 2 * scale * 1e6) / 1e6; // ≤ 6 decimals
      const text = formatQuantity({ value, unit });
      const back = parseQuantity(text);
      if ('error' in back) {
        bad.push(`${value} ${unit} → ${text}: ${back.error}`);
        continue;
      }
      // equal after the same 6-decimal rounding, and formatting is idempotent
      if (back.unit !== unit || Math.abs(back.value - value) > 1e-9 || formatQuantity(back) !== text) {
        bad.push(`${value} ${unit} → ${text} → ${back.value} ${back.unit}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('parse → format → parse is stable for random human strings (property)', () => {
    const rnd = prng(99);
    const spellings = ['dB', 'db', 'ms', 's', 'sec', 'min', 'f', 'frames', 'deg', '°', 'm', 'cm', 'Hz', 'kHz', 'LUFS', 'LKFS', 'LU', 'dBTP', 'dBFS', '%'];
    const bad: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const sp = spellings[Math.floor(rnd() * spellings.length)]!;
      const int = Math.floor(rnd() * 2000);
      const dec = rnd() < 0.5 ? '' : `.${Math.floor(rnd() * 1000)}`;
      const sign = ['', '-', '+'][Math.floor(rnd() * 3)]!;
      const text = `${sign}${int}${dec}${rnd() < 0.5 ? ' ' : ''}${sp}`;
      const a = parseQuantity(text);
      if ('error' in a) {
        bad.push(`${text}: ${a.error}`);
        continue;
      }
      const b = parseQuantity(formatQuantity(a));
      if ('error' in b || b.unit !== a.unit || Math.abs(b.value - a.value) > 1e-6 * Math.max(1, Math.abs(a.value))) {
        bad.push(`${text} → ${formatQuantity(a)}`);
      }
    }
    expect(bad).toEqual([]);
  });
});
