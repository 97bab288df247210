/**
 * Bad input for the soundtrack model (issue 4) and the processors (issue 5): each problem a
 * diagnostic with its code and file:line:col (STYLE.md #7). Every project starts with the
 * six-line HEAD, so line 7 is the first line after it.
 */
import { describe, expect, it } from 'vitest';
import { HEAD, SR, brief, diagnose, err, sine, type Signal } from './helpers.ts';

const tone: Signal = { frames: SR, fn: sine(440, 0.1) };
const STEREO = 'master: { layout: stereo, file: mix.wav, bits: 32f }\n';

describe('distance and keyframes', () => {
  it('PA106 for a zero or negative distance (constant or keyframe); PA209 for keyframes out of order or past the event', async () => {
    const ds = await diagnose(
      `${HEAD}sources:
  t: t.wav
buses:
  FX: { stem: effects }
sfx:
  - { id: s1, source: t, at: "01:00:00:00", bus: FX, distance: 0 m }
  - { id: s2, source: t, at: "01:00:00:00", bus: FX, distance: -5 m }
  - { id: s3, source: t, at: "01:00:00:00", bus: FX, distance: { "0 s": 10 m, "0.5 s": 0 m } }
  - id: s4
    source: t
    at: "01:00:00:00"
    bus: FX
    distance: { "0.5 s": 10 m, "0.2 s": 5 m }
  - id: s5
    source: t
    at: "01:00:00:00"
    bus: FX
    pan: { "0 s": -30 deg, "2 s": 30 deg }
  - { id: s6, source: t, at: "01:00:00:00", bus: FX, distance: { "0 s": 10 m, "1.5 s": 5 m } }
${STEREO}`,
      { 't.wav': tone },
    );
    expect(ds.map(brief)).toEqual([
      err('PA106', 12, 64),
      err('PA106', 13, 64),
      err('PA106', 14, 88), // the 0 m keyframe
      err('PA209', 19, 41), // "0.2 s" after "0.5 s"
      err('PA209', 24, 35), // 2 s is past the 1 s event
      err('PA209', 25, 88),
    ]);
    expect(ds[0].message).toBe("event 's1': distance: a distance must be greater than 0 m (got 0 m)");
    expect(ds[1].message).toContain('(got -5 m)');
    expect(ds[3].message).toContain('keyframes must be in time order');
    expect(ds[4].message).toContain('after the end of the event (1.000 s)');
  });

  it('PA102 for a distance without a unit (the schema: a string or keyframes)', async () => {
    const ds = await diagnose(
      `${HEAD}sources:
  t: t.wav
buses:
  FX: { stem: effects }
sfx:
  - { id: s1, source: t, at: "01:00:00:00", bus: FX, distance: 20 }
${STEREO}`,
      { 't.wav': tone },
    );
    expect(ds.map(brief)).toEqual([err('PA102', 12, 64)]);
  });
});

describe('foley takes', () => {
  it('PA214 for an unknown take or a number past the list, PA205 for a take shorter than the event, PA202/PA213/PA204', async () => {
    const ds = await diagnose(
      `${HEAD}sources:
  t1: t1.wav
  t2: t2.wav
buses:
  FOL: { stem: foley }
foley:
  - { id: f1, takes: [t1, t2], take: t3, at: "01:00:00:00", bus: FOL }
  - { id: f2, takes: [t1, t2], take: 3, at: "01:00:00:00", bus: FOL }
  - { id: f3, takes: [t1, t2], take: 2, at: "01:00:00:00", bus: FOL, out: 0.8 s }
  - { id: f4, takes: [t1, t9], at: "01:00:00:00", bus: FOL }
  - { id: f5, source: t1, takes: [t1], at: "01:00:00:00", bus: FOL }
  - { id: f6, takes: [t1, t2], take: t1, slip: "-2f", at: "01:00:00:01", bus: FOL }
${STEREO}`,
      { 't1.wav': tone, 't2.wav': { frames: SR / 2, fn: sine(440, 0.1) } },
    );
    expect(ds.map(brief)).toEqual([
      err('PA214', 13, 38),
      err('PA214', 14, 38),
      err('PA205', 15, 75), // at out:
      err('PA202', 16, 27),
      err('PA213', 17, 23),
      err('PA204', 18, 48),
    ]);
    expect(ds[0].message).toBe("event 'f1': unknown take 't3'");
    expect(ds[0].hint).toBe("did you mean 't1'?");
    expect(ds[1].message).toBe("event 'f2': take 3 does not exist (the event has 2 takes)");
    expect(ds[2].message).toBe("event 'f3': take 't2' (0.500 s) is shorter than the event (out 0.800 s)");
  });
});

describe('music edits', () => {
  const cue = (edit: string) => `${HEAD}sources:
  mx: mx.wav
buses:
  MX: { stem: music }
music:
  - id: 1M1
    source: mx
    at: "01:00:00:00"
    bus: MX
    edit:
${edit}${STEREO}`;
  const mx: Signal = { frames: 3 * SR, fn: sine(220, 0.1) };

  it('PA205 for a segment reading past the end of the source, at its `to`', async () => {
    const ds = await diagnose(cue('      - { from: 0 s, to: 1 s }\n      - { from: 2 s, to: 3.5 s, crossfade: 10 ms }\n'), { 'mx.wav': mx });
    expect(ds.map(brief)).toEqual([err('PA205', 18, 26)]);
    expect(ds[0].message).toBe("cue '1M1': edit segment 2 reads to 3.500 s, past the end of source 'mx' (3.000 s)");
  });

  it('PA205 when the crossfade into a segment needs source before its `from`', async () => {
    const ds = await diagnose(cue('      - { from: 0 s, to: 1 s }\n      - { from: 5 ms, to: 2 s, crossfade: 10 ms }\n'), { 'mx.wav': mx });
    expect(ds.map(brief)).toEqual([err('PA205', 18, 17)]);
  });

  it('PA208 when a crossfade is longer than the segment it fades out of (it used to fail only at render time)', async () => {
    const ds = await diagnose(
      cue('      - { from: 0 s, to: 1 s }\n      - { from: 1.5 s, to: 1.52 s, crossfade: 10 ms }\n      - { from: 2 s, to: 3 s, crossfade: 50 ms }\n      - { from: 1 s, to: 1.01 s, repeat: 2, crossfade: 20 ms }\n'),
      { 'mx.wav': mx },
    );
    expect(ds.map(brief)).toEqual([err('PA208', 19, 42), err('PA208', 20, 56)]);
    expect(ds[0].message).toBe("cue '1M1': the crossfade into segment 3 (0.050 s) is longer than the segment it fades out of (0.020 s)");
  });

  it('PA213 for an edit together with in/out; PA206 for a segment that ends before it starts', async () => {
    const ds = await diagnose(
      `${HEAD}sources:
  mx: mx.wav
buses:
  MX: { stem: music }
music:
  - id: 1M1
    source: mx
    at: "01:00:00:00"
    in: 1 s
    bus: MX
    edit: [ { from: 2 s, to: 1 s } ]
${STEREO}`,
      { 'mx.wav': mx },
    );
    expect(ds.map(brief)).toEqual([err('PA213', 15, 9), err('PA206', 17, 30)]);
  });
});

describe('sends, reverbs, stems and automation', () => {
  it('PA211 for a send to an unknown reverb (bus send, event reverb:, event send); PA516 for a stem no bus produces', async () => {
    const ds = await diagnose(
      `${HEAD}sources:
  t: t.wav
buses:
  FX: { stem: effects, send: { hal: -10 dB } }
reverbs:
  hall: { decay: 1 s }
sfx:
  - { id: s1, source: t, at: "01:00:00:00", bus: FX, reverb: hal }
  - id: s2
    source: t
    at: "01:00:00:00"
    bus: FX
    send: { hall: -6 dB, room: -3 dB }
master:
  layout: stereo
  deliverables:
    - { name: stems, file: "x-{stem}.wav", stems: [effects, dialogue], bits: 32f }
    - { name: me, file: me.wav, mix: [music], bits: 32f }
`,
      { 't.wav': tone },
    );
    expect(ds.map(brief)).toEqual([err('PA211', 10, 32), err('PA211', 14, 62), err('PA211', 19, 26), err('PA516', 23, 61), err('PA516', 24, 39)]);
    expect(ds[1].message).toBe("event 's1': send to unknown reverb 'hal'");
    expect(ds[1].hint).toBe("did you mean 'hall'?");
    expect(ds[3].message).toBe("deliverable 'stems': no bus feeds the stem 'dialogue'");
    expect(ds[3].hint).toBe('stems in this project: effects');
  });

  it('PA209 for breakpoints out of time order; PA215 for a bad target; PA106 for a bad value or curve', async () => {
    const ds = await diagnose(
      `${HEAD}sources:
  t: t.wav
buses:
  FX: { stem: effects }
sfx:
  - { id: s1, source: t, at: "01:00:00:00", bus: FX }
automation:
  - { target: FX.gain, points: [ ["01:00:01:00", "0 dB"], ["01:00:00:12", "-6 dB"] ] }
  - target: s1.gain
    points:
      - ["01:00:00:00", "0 dB"]
      - ["01:00:00:00", "-6 dB"]
  - { target: s2.gain, points: [ ["01:00:00:00", "0 dB"] ] }
  - { target: FX.pan, points: [ ["01:00:00:00", "0 deg"] ] }
  - { target: s1.distance, points: [ ["01:00:00:00", "0 m"] ] }
  - { target: s1.gain, points: [ ["01:00:00:00", "0 dB", wobble] ] }
${STEREO}`,
      { 't.wav': tone },
    );
    // (the second s1.gain entry also draws a PA217 warning: it replaces the first)
    expect(ds.map(brief)).toEqual([err('PA209', 14, 60), err('PA209', 18, 10), err('PA215', 19, 15), err('PA215', 20, 15), err('PA106', 21, 54), { ...err('PA217', 22, 15), severity: 'warning' }, err('PA106', 22, 58)]);
    expect(ds[0].message).toBe('automation of FX.gain: breakpoints must be in time order');
  });
});

describe('processors (issue 5)', () => {
  it('PA103 for an unknown processor, listing the known ones', async () => {
    const ds = await diagnose(
      `${HEAD}sources:
  t: t.wav
buses:
  FX: { stem: effects, process: [ { fuzz: { amount: 3 } } ] }
sfx:
  - { id: s1, source: t, at: "01:00:00:00", bus: FX }
${STEREO}`,
      { 't.wav': tone },
    );
    expect(ds.map(brief)).toEqual([err('PA103', 10, 37)]);
    expect(ds[0].hint).toContain('eq, highpass, compressor, limiter, gain, reverb');
  });

  it('PA106 for Q ≤ 0, ratio < 1, a negative attack, a notch above Nyquist; PA300/PA301 for an IR that is missing or not audio', async () => {
    const ds = await diagnose(
      `${HEAD}sources:
  t: t.wav
buses:
  FX:
    stem: effects
    process:
      - eq: { bands: [ { type: peaking, freq: 1 kHz, gain: 3 dB, q: 0 } ] }
      - compressor: { threshold: -20 dB, ratio: 0.5 }
      - compressor: { threshold: -20 dB, ratio: 2, attack: -5 ms }
      - eq: { bands: [ { type: notch, freq: 30 kHz } ] }
sfx:
  - id: s1
    source: t
    at: "01:00:00:00"
    bus: FX
    process:
      - reverb: { ir: missing.wav }
      - reverb: { ir: text.wav }
      - eq: { bands: [ { type: highpass, freq: 0 Hz } ] }
${STEREO}`,
      { 't.wav': tone },
      { 'text.wav': 'this is not audio\n' },
    );
    expect(ds.map(brief)).toEqual([
      err('PA106', 13, 69),
      err('PA106', 14, 49),
      err('PA106', 15, 60),
      err('PA106', 16, 45),
      err('PA300', 23, 23),
      err('PA301', 24, 23),
      err('PA106', 25, 48),
    ]);
    expect(ds[0].message).toBe("bus 'FX': process.0.eq.bands.0.q: Q must be greater than 0");
    expect(ds[1].message).toBe("bus 'FX': process.1.compressor.ratio: ratio must be at least 1 (got 0.5)");
    expect(ds[2].message).toBe("bus 'FX': process.2.compressor.attack: a duration cannot be negative");
    expect(ds[3].message).toBe("bus 'FX': process.3.eq.bands.0.freq: 30000 Hz is outside 0 .. 24000 Hz (Nyquist at 48000 Hz)");
    expect(ds[4].message).toBe("event 's1': process.0.reverb.ir: impulse response missing.wav does not exist");
    expect(ds[5].message).toMatch(/^event 's1': process\.1\.reverb\.ir: impulse response text\.wav is not usable audio: /);
  });

  it('restoration and named reverbs: hum out of range, a short or overlong noise profile, a missing IR, a zero decay', async () => {
    const ds = await diagnose(
      `${HEAD}sources:
  t: { file: t.wav, restore: { hum: 30 kHz, denoise: { profile: "0 s..0.01 s" } } }
  u: { file: t.wav, restore: { denoise: { profile: "0.5 s..2 s" } } }
buses:
  FX: { stem: effects }
reverbs:
  hall: { ir: nope.wav }
  room: { decay: 0 s }
sfx:
  - { id: s1, source: t, at: "01:00:00:00", bus: FX }
${STEREO}`,
      { 't.wav': tone },
    );
    expect(ds.map(brief)).toEqual([err('PA106', 8, 37), err('PA106', 8, 65), err('PA205', 9, 52), err('PA300', 13, 15), err('PA106', 14, 18)]);
  });
});
