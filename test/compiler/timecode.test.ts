import { describe, expect, it } from 'vitest';
import {
  FRAME_RATES,
  type FrameRate,
  exactDecimal,
  floorDiv,
  frameRate,
  framesPerDay,
  framesToSamples,
  framesToTimecode,
  parseTimecode,
  roundDiv,
  samplesToFrames,
  samplesToTimecode,
  timecodeToSamples,
} from '../../src/compiler/timecode.ts';
import { prng } from '../helpers/signals.ts';

function rate(name: string | number): FrameRate {
  const r = frameRate(name);
  if (!r) throw new Error(`no rate ${name}`);
  return r;
}

function frames(text: string, r: FrameRate): number {
  const p = parseTimecode(text, r);
  if ('error' in p) throw new Error(p.error);
  return p.frames;
}

function tcError(text: string, r: FrameRate): string {
  const p = parseTimecode(text, r);
  if (!('error' in p)) throw new Error(`expected an error for ${text}, got ${p.frames}`);
  return p.error;
}

const DF = rate('29.97df');
const R24 = rate(24);
const R23 = rate(23.976);
const R25 = rate(25);
const R2997 = rate(29.97);
const R30 = rate(30);

describe('frameRate', () => {
  it('has exact rationals and nominal counts', () => {
    expect(R23).toEqual({ name: '23.976', num: 24000, den: 1001, nominal: 24, drop: false });
    expect(R24).toEqual({ name: '24', num: 24, den: 1, nominal: 24, drop: false });
    expect(R25).toEqual({ name: '25', num: 25, den: 1, nominal: 25, drop: false });
    expect(R2997).toEqual({ name: '29.97', num: 30000, den: 1001, nominal: 30, drop: false });
    expect(DF).toEqual({ name: '29.97df', num: 30000, den: 1001, nominal: 30, drop: true });
    expect(R30).toEqual({ name: '30', num: 30, den: 1, nominal: 30, drop: false });
    expect(FRAME_RATES.map((r) => r.name)).toEqual(['23.976', '24', '25', '29.97', '29.97df', '30']);
  });

  it('accepts numbers and spellings', () => {
    expect(frameRate(24)?.name).toBe('24');
    expect(frameRate(24.0)?.name).toBe('24');
    expect(frameRate(23.976)?.name).toBe('23.976');
    expect(frameRate(23.98)?.name).toBe('23.976');
    expect(frameRate('23.98')?.name).toBe('23.976');
    expect(frameRate('24000/1001')?.name).toBe('23.976');
    expect(frameRate(25)?.name).toBe('25');
    expect(frameRate('25')?.name).toBe('25');
    expect(frameRate(29.97)?.name).toBe('29.97');
    expect(frameRate('29.97')?.name).toBe('29.97');
    expect(frameRate('29.97ndf')?.name).toBe('29.97');
    expect(frameRate('30000/1001')?.name).toBe('29.97');
    expect(frameRate('29.97df')?.name).toBe('29.97df');
    expect(frameRate('29.97 DF')?.name).toBe('29.97df');
    expect(frameRate('29.97-df')?.name).toBe('29.97df');
    expect(frameRate(' 24 fps ')?.name).toBe('24');
    expect(frameRate('30')?.name).toBe('30');
    expect(frameRate(30)).toBe(R30);
  });

  it('returns null for unknown rates', () => {
    for (const bad of [23, 26, 60, 59.94, NaN, Infinity, '', 'abc', '24df', '25df', '30df', '29.97xx', 'df']) {
      expect(frameRate(bad)).toBeNull();
    }
  });
});

describe('parseTimecode', () => {
  it('counts non-drop frames', () => {
    expect(frames('00:00:00:00', R24)).toBe(0);
    expect(frames('00:00:01:00', R24)).toBe(24);
    expect(frames('01:00:00:00', R24)).toBe(86400);
    expect(frames('01:00:12:05', R24)).toBe(86400 + 12 * 24 + 5);
    expect(frames('01:00:00:00', R23)).toBe(86400);
    expect(frames('01:00:00:00', R25)).toBe(90000);
    expect(frames('00:00:01:24', R25)).toBe(49);
    expect(frames('01:00:00:00', R2997)).toBe(108000);
    expect(frames('01:00:00:00', R30)).toBe(108000);
    expect(frames('23:59:59:23', R24)).toBe(24 * 86400 - 1);
    expect(frames('  10:00:00:00 ', R25)).toBe(900000);
  });

  it('counts drop-frame per SMPTE 12M', () => {
    expect(frames('01:00:00;00', DF)).toBe(107892);
    expect(frames('00:00:59;29', DF)).toBe(1799);
    expect(frames('00:01:00;02', DF)).toBe(1800);
    expect(frames('00:10:00;00', DF)).toBe(17982);
    expect(frames('00:09:59;29', DF)).toBe(17981);
    expect(frames('00:11:00;02', DF)).toBe(17982 + 1800);
    expect(frames('10:00:00;00', DF)).toBe(1078920);
    // ':' notation is accepted at a drop-frame rate
    expect(frames('01:00:00:00', DF)).toBe(107892);
  });

  it('makes 00:00:59;29 → 00:01:00;02 consecutive and rejects ;00/;01 at dropped minutes', () => {
    expect(frames('00:01:00;02', DF) - frames('00:00:59;29', DF)).toBe(1);
    expect(frames('00:02:00;02', DF) - frames('00:01:59;29', DF)).toBe(1);
    expect(frames('00:10:00;00', DF) - frames('00:09:59;29', DF)).toBe(1);
    expect(frames('00:10:00;01', DF) - frames('00:10:00;00', DF)).toBe(1);
    for (const tc of ['00:01:00;00', '00:01:00;01', '00:09:00;00', '00:11:00;01', '01:59:00;00', '23:59:00;01']) {
      const e = tcError(tc, DF);
      expect(e).toContain(tc);
      expect(e).toMatch(/frames 00 and 01/);
      expect(e).toMatch(/drop-frame/);
    }
    expect(tcError('00:01:00;00', DF)).toContain('"00:01:00;02"');
    for (const tc of ['00:00:00;00', '00:10:00;00', '00:20:00;01', '01:00:00;00', '01:50:00;01']) {
      expect(parseTimecode(tc, DF)).toHaveProperty('frames');
    }
  });

  it('rejects ";" at a non-drop rate', () => {
    const e = tcError('01:00:00;00', R24);
    expect(e).toMatch(/drop-frame/);
    expect(e).toMatch(/24 fps/);
    expect(e).toContain('"01:00:00:00"');
    expect(tcError('01;00;00;00', R2997)).toMatch(/not drop-frame/);
    expect(tcError('01:00:00;00', R23)).toMatch(/23\.976 fps/);
  });

  it('validates fields', () => {
    expect(tcError('00:00:00:24', R24)).toMatch(/frame 24 does not exist at 24 fps \(frames run 00–23\)/);
    expect(tcError('00:00:00:24', R23)).toMatch(/frame 24/);
    expect(tcError('00:00:00:25', R25)).toMatch(/00–24/);
    expect(frames('00:00:00:24', R25)).toBe(24);
    expect(tcError('00:00:00;30', DF)).toMatch(/frame 30.*29\.97 fps drop-frame/);
    expect(tcError('00:00:60:00', R24)).toMatch(/seconds/);
    expect(tcError('00:60:00:00', R24)).toMatch(/minutes/);
    expect(tcError('24:00:00:00', R24)).toMatch(/hours/);
  });

  it('rejects malformed text', () => {
    for (const bad of ['', '1:00:00:00', '01:00:00', '01:00:00:00:00', '01-00-00-00', 'aa:bb:cc:dd', '01:00:00:0', '01:00:00.00', '-01:00:00:00', '01:00:00:00x']) {
      expect(tcError(bad, R24)).toMatch(/expected a timecode like "01:00:00:00"/);
    }
    expect(tcError('x', DF)).toContain('"01:00:00;00"');
    expect(tcError(3600 as unknown as string, R24)).toMatch(/number/);
  });
});

describe('framesToTimecode', () => {
  it('formats with two-digit fields and ";" for drop-frame', () => {
    expect(framesToTimecode(0, R24)).toBe('00:00:00:00');
    expect(framesToTimecode(86400 + 12 * 24 + 5, R24)).toBe('01:00:12:05');
    expect(framesToTimecode(107892, DF)).toBe('01:00:00;00');
    expect(framesToTimecode(1799, DF)).toBe('00:00:59;29');
    expect(framesToTimecode(1800, DF)).toBe('00:01:00;02');
    expect(framesToTimecode(17982, DF)).toBe('00:10:00;00');
    expect(framesToTimecode(90000, R25)).toBe('01:00:00:00');
    expect(framesToTimecode(108000, R2997)).toBe('01:00:00:00');
  });

  it('wraps hours at 24 (and negatives backwards)', () => {
    expect(framesPerDay(R24)).toBe(2073600);
    expect(framesPerDay(DF)).toBe(2589408);
    expect(framesToTimecode(2073600, R24)).toBe('00:00:00:00');
    expect(framesToTimecode(2073599, R24)).toBe('23:59:59:23');
    expect(framesToTimecode(2073600 + 86400, R24)).toBe('01:00:00:00');
    expect(framesToTimecode(-1, R24)).toBe('23:59:59:23');
    expect(framesToTimecode(2589407, DF)).toBe('23:59:59;29');
    expect(framesToTimecode(2589408, DF)).toBe('00:00:00;00');
    expect(framesToTimecode(-1, DF)).toBe('23:59:59;29');
  });

  it('rejects non-integer frame counts', () => {
    expect(() => framesToTimecode(1.5, R24)).toThrow(RangeError);
    expect(() => framesToTimecode(NaN, R24)).toThrow(RangeError);
  });

  it('round-trips every drop-frame frame across the first 11 minutes, with consecutive timecodes', () => {
    const n = frames('00:11:00;02', DF) + 30;
    let prev = '';
    let droppedMinutes = 0;
    const bad: string[] = [];
    for (let f = 0; f < n; f++) {
      const tc = framesToTimecode(f, DF);
      if (frames(tc, DF) !== f) bad.push(`${f} → ${tc}`);
      if (prev) {
        // next timecode is prev + 1 frame in nominal counting, except at dropped minute starts
        const [ph, pm, ps, pf] = prev.split(/[:;]/).map(Number) as [number, number, number, number];
        let nominal = ((ph * 60 + pm) * 60 + ps) * 30 + pf + 1;
        const mm = Math.floor(nominal / 1800) % 60;
        if (nominal % 1800 === 0 && mm % 10 !== 0) {
          nominal += 2;
          droppedMinutes++;
        }
        const s = Math.floor(nominal / 30);
        const expected = `${String(Math.floor(s / 3600)).padStart(2, '0')}:${String(Math.floor(s / 60) % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')};${String(nominal % 30).padStart(2, '0')}`;
        if (tc !== expected) bad.push(`${f}: ${tc} ≠ ${expected}`);
      }
      prev = tc;
    }
    expect(bad).toEqual([]);
    expect(droppedMinutes).toBe(10); // minutes 1–9 and 11
  });

  it('round-trips around the 24h wrap for every rate', () => {
    for (const r of FRAME_RATES) {
      const day = framesPerDay(r);
      const bad: number[] = [];
      for (let f = day - 2 * r.nominal * 60; f < day; f++) {
        if (frames(framesToTimecode(f, r), r) !== f) bad.push(f);
      }
      expect(bad).toEqual([]);
      expect(framesToTimecode(day, r)).toBe(framesToTimecode(0, r));
      expect(framesToTimecode(day + 5, r)).toBe(framesToTimecode(5, r));
    }
  });

  it('round-trips random frame counts and random valid timecodes (property)', () => {
    const rnd = prng(12345);
    const bad: string[] = [];
    for (const r of FRAME_RATES) {
      const day = framesPerDay(r);
      const shape = r.drop ? /^\d\d:\d\d:\d\d;\d\d$/ : /^\d\d:\d\d:\d\d:\d\d$/;
      for (let i = 0; i < 2000; i++) {
        const f = Math.floor(rnd() * day);
        const tc = framesToTimecode(f, r);
        if (!shape.test(tc) || frames(tc, r) !== f) bad.push(`${r.name} ${f} → ${tc}`);
        // monotonic: next frame parses to f+1
        if (f + 1 < day && frames(framesToTimecode(f + 1, r), r) !== f + 1) bad.push(`${r.name} ${f + 1}`);
      }
      for (let i = 0; i < 500; i++) {
        const h = Math.floor(rnd() * 24);
        const m = Math.floor(rnd() * 60);
        const s = Math.floor(rnd() * 60);
        const ff = Math.floor(rnd() * r.nominal);
        const p2 = (x: number) => String(x).padStart(2, '0');
        const tc = `${p2(h)}:${p2(m)}:${p2(s)}${r.drop ? ';' : ':'}${p2(ff)}`;
        const p = parseTimecode(tc, r);
        const droppedLabel = r.drop && s === 0 && ff < 2 && m % 10 !== 0;
        if (droppedLabel !== ('error' in p)) bad.push(`${r.name} ${tc} validity`);
        else if ('frames' in p && framesToTimecode(p.frames, r) !== tc) bad.push(`${r.name} ${tc} round trip`);
      }
    }
    expect(bad).toEqual([]);
  });
});

describe('frames ↔ samples', () => {
  it('23.976 at 48 kHz: one frame is exactly 2002 samples', () => {
    expect(framesToSamples(1, R23, 48000)).toBe(2002);
    expect(framesToSamples(24, R23, 48000)).toBe(48048);
    expect(framesToSamples(86400, R23, 48000)).toBe(86400 * 2002);
    expect(timecodeToSamples('01:00:00:00', R23, 48000)).toEqual({ samples: 86400 * 2002 });
    expect(samplesToFrames(2002, R23, 48000)).toBe(1);
    expect(samplesToFrames(2001, R23, 48000)).toBe(0);
    expect(samplesToFrames(86400 * 2002 + 2001, R23, 48000)).toBe(86400);
    expect(samplesToTimecode(86400 * 2002, R23, 48000)).toBe('01:00:00:00');
    // a whole day at 23.976: large but exact
    expect(framesToSamples(framesPerDay(R23), R23, 48000)).toBe(2073600 * 2002);
  });

  it('23.976 at 44.1 kHz: 1839.3375 samples per frame, rounded', () => {
    // 44100 * 1001 / 24000 = 1839.3375
    expect(framesToSamples(1, R23, 44100)).toBe(1839);
    expect(framesToSamples(2, R23, 44100)).toBe(3679); // 3678.675
    expect(framesToSamples(3, R23, 44100)).toBe(5518); // 5518.0125
    expect(framesToSamples(8, R23, 44100)).toBe(14715); // 14714.7 (exactly 14714.7)
    expect(framesToSamples(-2, R23, 44100)).toBe(-3679);
    expect(framesToSamples(0.5, R23, 44100)).toBe(920); // 919.66875
    // half away from zero on exact ties: 40 frames = 73573.5 samples exactly
    expect(framesToSamples(40, R23, 44100)).toBe(73574);
    expect(framesToSamples(-40, R23, 44100)).toBe(-73574);
    // inverse: frame 1 starts at sample 1839 even though 1839 / 1839.3375 < 1
    expect(samplesToFrames(1839, R23, 44100)).toBe(1);
    expect(samplesToFrames(1838, R23, 44100)).toBe(0);
    expect(samplesToFrames(3678, R23, 44100)).toBe(1);
    expect(samplesToFrames(3679, R23, 44100)).toBe(2);
  });

  it('whole-sample rates: 24, 25, 30, 29.97', () => {
    expect(framesToSamples(1, R24, 48000)).toBe(2000);
    expect(framesToSamples(1, R25, 48000)).toBe(1920);
    expect(framesToSamples(1, R25, 44100)).toBe(1764);
    expect(framesToSamples(1, R30, 48000)).toBe(1600);
    expect(framesToSamples(1, R2997, 48000)).toBe(1602); // 1601.6
    expect(framesToSamples(5, R2997, 48000)).toBe(8008);
    expect(timecodeToSamples('01:00:00:00', R25, 48000)).toEqual({ samples: 3600 * 48000 });
    expect(timecodeToSamples('01:00:00;00', DF, 48000)).toEqual({ samples: 172799827 }) // 107892 · 1601.6 = 172799827.2;
    expect(samplesToFrames(-1, R25, 48000)).toBe(-1);
    expect(samplesToFrames(-1920, R25, 48000)).toBe(-1);
    expect(samplesToFrames(-1921, R25, 48000)).toBe(-2);
    expect(timecodeToSamples('01:00:00;00', R25, 48000)).toHaveProperty('error');
    // 25 fps: timecode second is a real second
    expect(samplesToTimecode(3600 * 48000 + 48000 + 1919, R25, 48000)).toBe('01:00:01:00');
    expect(samplesToTimecode(3600 * 48000 + 48000 + 1920, R25, 48000)).toBe('01:00:01:01');
  });

  it('rejects bad inputs', () => {
    expect(() => framesToSamples(1, R24, 0)).toThrow(RangeError);
    expect(() => framesToSamples(1, R24, 44100.5)).toThrow(RangeError);
    expect(() => framesToSamples(NaN, R24, 48000)).toThrow(RangeError);
    expect(() => samplesToFrames(1.5, R24, 48000)).toThrow(RangeError);
  });

  it('samplesToFrames is the exact inverse of framesToSamples (property)', () => {
    const rnd = prng(987);
    const bad: string[] = [];
    for (const sr of [44100, 48000, 96000, 22050, 32000]) {
      for (const r of FRAME_RATES) {
        for (let i = 0; i < 200; i++) {
          const f = Math.floor((rnd() - 0.1) * 5_000_000);
          const s = framesToSamples(f, r, sr);
          const next = framesToSamples(f + 1, r, sr);
          const ideal = (f * r.den * sr) / r.num; // < 2^53 here; only used for a ±0.5 check
          if (!(next > s) || Math.abs(s - ideal) > 0.5 + 1e-6) bad.push(`${sr} ${r.name} ${f}: ${s}`);
          if (samplesToFrames(s, r, sr) !== f || samplesToFrames(next - 1, r, sr) !== f) bad.push(`${sr} ${r.name} ${f} inverse`);
        }
      }
    }
    expect(bad).toEqual([]);
  });
});

describe('exact rational helpers', () => {
  it('exactDecimal reads what JS prints', () => {
    expect(exactDecimal(0.1)).toEqual({ n: 1n, d: 10n });
    expect(exactDecimal(-2.5)).toEqual({ n: -25n, d: 10n });
    expect(exactDecimal(1e21)).toEqual({ n: 10n ** 21n, d: 1n });
    expect(exactDecimal(1.5e-7)).toEqual({ n: 15n, d: 10n ** 8n });
    expect(exactDecimal(0)).toEqual({ n: 0n, d: 1n });
    expect(() => exactDecimal(Infinity)).toThrow(RangeError);
  });

  it('roundDiv rounds half away from zero, floorDiv floors', () => {
    expect(roundDiv(5n, 2n)).toBe(3n);
    expect(roundDiv(-5n, 2n)).toBe(-3n);
    expect(roundDiv(7n, 3n)).toBe(2n);
    expect(roundDiv(-7n, 3n)).toBe(-2n);
    expect(roundDiv(8n, 3n)).toBe(3n);
    expect(roundDiv(-8n, 3n)).toBe(-3n);
    expect(roundDiv(6n, 3n)).toBe(2n);
    expect(floorDiv(7n, 2n)).toBe(3n);
    expect(floorDiv(-7n, 2n)).toBe(-4n);
    expect(floorDiv(-6n, 2n)).toBe(-3n);
  });
});
