/**
 * Issue 4, automation beyond gain: sends to reverbs (on events and buses), EQ band gains (by
 * band name or number), sends that follow a moving source, and event automation written as
 * durations from the event's start, which moves with the event. Checked on the rendered WAVs.
 *
 * The reverb here is a convolution with a one-sample unit impulse and no dry signal, so its
 * return is exactly the sum of what is sent to it: the send level can be read sample by sample.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HEAD, SR, build, db, err, brief, diagnose, makeProject, readWav, render, sine, toneAmplitude, type Signal } from './helpers.ts';

const UNIT: Signal = { frames: 1, fn: () => 1 };
const DC: Signal = { frames: 3 * SR, fn: () => 0.5 };
const STEMS = `master:
  layout: mono
  deliverables:
    - { name: stems, file: "x-{stem}.wav", stems: [effects, verb], bits: 32f }
`;

/** The dry effects stem and the reverb return of a project (one event on FX). */
async function dryAndWet(yaml: string, wavs: Record<string, Signal>): Promise<{ dry: Float32Array; wet: Float32Array }> {
  const dir = makeProject(yaml, { 'unit.wav': UNIT, ...wavs });
  await build(dir);
  return { dry: readWav(path.join(dir, 'out/x-effects.wav')).channel(0), wet: readWav(path.join(dir, 'out/x-verb.wav')).channel(0) };
}

const project = (event: string, automation: string | null) => `${HEAD}sources:
  dc: dc.wav
buses:
  FX: { stem: effects }
reverbs:
  hall: { ir: unit.wav, wet: 0 dB, stem: verb }
sfx:
  - { id: s1, source: dc, at: "01:00:00:00", bus: FX${event} }
${automation ? `automation:\n${automation}\n` : ''}${STEMS}`;

/** 0 dB until 1 s, a straight line in dB to −12 dB at 2 s, then −12 dB. */
const ramp = (n: number) => (n < SR ? 1 : n >= 2 * SR ? 10 ** (-12 / 20) : 10 ** ((-12 * (n - SR)) / SR / 20));

describe('send automation', () => {
  it('an event send rides its automation (durations from the event start) on top of its level, sample by sample', async () => {
    const { dry, wet } = await dryAndWet(project(', send: { hall: -6 dB }', '  - { target: s1.send.hall, points: [["1 s", "0 dB"], ["2 s", "-12 dB"]] }'), { 'dc.wav': DC });
    let worst = 0;
    for (let n = 0; n < 3 * SR; n++) worst = Math.max(worst, Math.abs(wet[n] - 0.5 * 10 ** (-6 / 20) * ramp(n)));
    expect(worst).toBeLessThan(1e-5);
    // the dry path is untouched
    let dryWorst = 0;
    for (let n = 0; n < 3 * SR; n++) dryWorst = Math.max(dryWorst, Math.abs(dry[n] - 0.5));
    expect(dryWorst).toBeLessThan(1e-7);
  });

  it('automating a send the event does not have creates it: the points are its level', async () => {
    const { wet } = await dryAndWet(project('', '  - { target: s1.send.hall, points: [["01:00:01:00", "0 dB"], ["01:00:02:00", "-12 dB"]] }'), { 'dc.wav': DC });
    expect(wet[SR / 2]).toBeCloseTo(0.5, 5);
    expect(wet[(3 * SR) / 2]).toBeCloseTo(0.5 * 10 ** (-6 / 20), 5);
    expect(wet[(5 * SR) / 2]).toBeCloseTo(0.5 * 10 ** (-12 / 20), 5);
  });

  it('a bus send follows its automation in timeline time, wherever the bus starts', async () => {
    // the bus starts 1 s into the timeline; its send ramps from 01:00:01:12 to 01:00:02:12
    const yaml = `${HEAD}sources:
  dc: dc.wav
buses:
  FX: { stem: effects, send: { hall: -3 dB } }
reverbs:
  hall: { ir: unit.wav, wet: 0 dB, stem: verb }
sfx:
  - { id: s1, source: dc, at: "01:00:01:00", bus: FX }
automation:
  - { target: FX.send.hall, points: [["01:00:01:12", "0 dB"], ["01:00:02:12", "-12 dB"]] }
${STEMS}`;
    const { wet } = await dryAndWet(yaml, { 'dc.wav': DC });
    const at = (n: number) => 0.5 * 10 ** (-3 / 20) * ramp(n - SR / 2);
    for (const n of [SR + 100, SR + SR / 2, 2 * SR, 2 * SR + SR / 2, 3 * SR]) expect(wet[n], `frame ${n}`).toBeCloseTo(at(n), 5);
  });
});

describe('faders come after the inserts', () => {
  it("a processed bus's gain is applied after its compressor (a fader does not change what the compressor sees)", async () => {
    // DC at -6 dBFS into a hard-knee 4:1 compressor at -20 dB: 14 dB over, 10.5 dB of reduction,
    // then the -12 dB fader: -28.5 dBFS. A pre-insert gain would leave it under the threshold (-18 dBFS).
    const yaml = `${HEAD}sources:
  dc: dc.wav
buses:
  FX: { stem: effects, gain: -12 dB, process: [{ compressor: { threshold: -20 dB, ratio: 4, attack: 1 ms, release: 50 ms } }] }
sfx:
  - { id: s1, source: dc, at: "01:00:00:00", bus: FX }
master: { layout: mono, file: mix.wav, bits: 32f }
`;
    const out = (await render(makeProject(yaml, { 'dc.wav': DC }))).channel(0);
    expect(db(out[2 * SR] / 0.5) - 0).toBeCloseTo(-6 - 10.5 - 12 + 6, 1); // re 0.5: the 10.5 dB reduction and the fader
  });

  it("a reverb return's gain automation rides its output, tail included", async () => {
    const burst = SR / 5;
    const yaml = (auto: string) => `${HEAD}sources:
  hit: hit.wav
buses:
  FX: { stem: effects, gain: -120 dB }
reverbs:
  hall: { decay: 2 s, stem: verb }
sfx:
  - { id: s1, source: hit, at: "01:00:00:00", bus: FX, send: { hall: 0 dB } }
${auto}${STEMS}`;
    const wavs = { 'hit.wav': { frames: burst, fn: (i: number) => 0.5 * Math.sin(i * 0.3) }, 'unit.wav': UNIT };
    const open = makeProject(yaml(''), wavs);
    await build(open);
    const ridden = makeProject(yaml('automation:\n  - { target: hall.gain, points: [["01:00:00:12", "0 dB", hold], ["01:00:01:00", "-120 dB"]] }\n'), wavs);
    await build(ridden);
    const a = readWav(path.join(open, 'out/x-verb.wav')).channel(0);
    const b = readWav(path.join(ridden, 'out/x-verb.wav')).channel(0);
    const rmsOf = (x: Float32Array, from: number, to: number) => Math.sqrt(x.subarray(from, to).reduce((s, v) => s + v * v, 0) / (to - from));
    // the same until 0.5 s; from 1 s on the tail is 120 dB down, though the burst ended at 0.2 s
    expect(rmsOf(b, SR / 4, SR / 2)).toBeCloseTo(rmsOf(a, SR / 4, SR / 2), 6);
    expect(rmsOf(a, SR + 100, SR + 4900)).toBeGreaterThan(1e-4);
    expect(db(rmsOf(b, SR + 100, SR + 4900) / rmsOf(a, SR + 100, SR + 4900))).toBeLessThan(-100);
  });
});

describe('a send that follows a moving source', () => {
  it('reverb: with keyframed distance sets the send from the distance at every sample (rising 6 dB per doubling to 5 m)', async () => {
    const { dry, wet } = await dryAndWet(project(', reverb: hall, distance: { "0 s": 1 m, "2 s": 4 m }', null), { 'dc.wav': DC });
    // two keys: the distance goes in a straight line, 1 m → 4 m over 2 s, then holds
    const d = (n: number) => (n >= 2 * SR ? 4 : 1 + (3 * n) / (2 * SR));
    for (const n of [SR / 10, SR / 2, SR, (3 * SR) / 2, 2 * SR, (5 * SR) / 2]) {
      const expected = Math.min(Math.max(d(n), 1), 5) / 5;
      expect(Math.abs(db(wet[n] / dry[n]) - db(expected)), `frame ${n}`).toBeLessThan(0.01);
    }
    // 1 m → 4 m: the send rises 12 dB against the direct sound
    expect(db(wet[2 * SR] / dry[2 * SR]) - db(wet[1] / dry[1])).toBeCloseTo(12.04, 1);
  });
});

describe('EQ band gain automation', () => {
  const tone: Signal = { frames: 3 * SR, fn: sine(1000, 0.25) };
  const level = (x: Float32Array, t: number) => db(toneAmplitude(x, 1000, Math.round(t * SR) - 960, Math.round(t * SR) + 960) / 0.25);

  it('an event EQ band, by name, steps from 0 dB to +6 dB at the breakpoint', async () => {
    const yaml = `${HEAD}sources:
  k: k.wav
buses:
  FX: { stem: effects }
sfx:
  - id: s1
    source: k
    at: "01:00:00:00"
    bus: FX
    process:
      - eq: { bands: [{ type: highpass, freq: 40 Hz }, { type: peaking, name: presence, freq: 1 kHz, q: 1, gain: 0 dB }] }
automation:
  - { target: s1.eq.presence.gain, points: [["0 s", "0 dB", hold], ["1.5 s", "6 dB"]] }
master: { layout: mono, file: mix.wav, bits: 32f }
`;
    const out = (await render(makeProject(yaml, { 'k.wav': tone }))).channel(0);
    expect(Math.abs(level(out, 0.75))).toBeLessThan(0.05);
    expect(Math.abs(level(out, 2.25) - 6)).toBeLessThan(0.05);
  });

  it('a bus EQ band, by number, is timed on the timeline although the bus starts later', async () => {
    const yaml = `${HEAD}sources:
  k: k.wav
buses:
  FX:
    stem: effects
    process:
      - eq: { bands: [{ type: peaking, freq: 1 kHz, q: 1, gain: -3 dB }] }
sfx:
  - { id: s1, source: k, at: "01:00:01:00", bus: FX }
automation:
  - { target: FX.eq.1.gain, points: [["01:00:02:00", "-3 dB", hold], ["01:00:03:00", "-9 dB"]] }
master: { layout: mono, file: mix.wav, bits: 32f }
`;
    const out = (await render(makeProject(yaml, { 'k.wav': tone }))).channel(0);
    expect(Math.abs(level(out, 1.5) + 3)).toBeLessThan(0.05);
    expect(Math.abs(level(out, 2.5) + 3)).toBeLessThan(0.05);
    expect(Math.abs(level(out, 3.5) + 9)).toBeLessThan(0.05);
  });
});

describe('event automation in durations moves with the event', () => {
  it('the same ramp, written from the event start, lands on the same audio when the event moves by 1 s', async () => {
    const yaml = (at: string) => `${HEAD}sources:
  dc: dc.wav
buses:
  FX: { stem: effects }
sfx:
  - { id: s1, source: dc, at: "${at}", bus: FX }
automation:
  - { target: s1.gain, points: [["1 s", "0 dB"], ["2 s", "-12 dB"]] }
master: { layout: mono, file: mix.wav, bits: 32f }
`;
    const a = (await render(makeProject(yaml('01:00:00:00'), { 'dc.wav': DC }))).channel(0);
    const b = (await render(makeProject(yaml('01:00:01:00'), { 'dc.wav': DC }))).channel(0);
    expect(b.length).toBe(a.length + SR);
    for (let n = 0; n < 3 * SR; n += 997) expect(b[n + SR]).toBe(a[n]);
    expect(a[(3 * SR) / 2]).toBeCloseTo(0.5 * 10 ** (-6 / 20), 6);
  });
});

describe('automation target diagnostics', () => {
  it('a second entry for the same parameter is a PA217 warning; an event with errors of its own gets no PA215 too', async () => {
    const ds = await diagnose(
      `${HEAD}sources:
  t: t.wav
buses:
  FX: { stem: effects, process: [{ eq: { bands: [{ type: peaking, name: air, freq: 8 kHz, gain: 2 dB }] } }] }
sfx:
  - { id: s1, source: t, at: "01:00:00:00", bus: FX }
  - { id: s2, source: nope, at: "01:00:00:00", bus: FX }
automation:
  - { target: FX.eq.air.gain, points: [["01:00:00:00", "0 dB"]] }
  - { target: FX.eq.1.gain, points: [["01:00:00:00", "3 dB"]] }
  - { target: s2.gain, points: [["0 s", "0 dB"]] }
master: { layout: mono, file: mix.wav }
`,
      { 't.wav': { frames: SR, fn: () => 0.1 } },
    );
    expect(ds.map((d) => [d.code, d.severity, d.line])).toEqual([
      ['PA202', 'error', 13],
      ['PA217', 'warning', 16],
    ]);
    expect(ds[1].message).toBe('automation of FX.eq.1.gain: entry 1 automates the same parameter; this entry replaces it');
  });

  it('unknown reverb, missing or gainless EQ band, a bus pan and a duration on a bus: each at its line', async () => {
    const ds = await diagnose(
      `${HEAD}sources:
  t: t.wav
buses:
  FX: { stem: effects, process: [{ eq: { bands: [{ type: highpass, freq: 80 Hz }, { type: peaking, name: air, freq: 8 kHz, gain: 2 dB }] } }] }
reverbs:
  hall: { decay: 1 s }
sfx:
  - { id: s1, source: t, at: "01:00:00:00", bus: FX }
automation:
  - { target: s1.send.hal, points: [["0 s", "0 dB"]] }
  - { target: FX.eq.3.gain, points: [["01:00:00:00", "0 dB"]] }
  - { target: FX.eq.sparkle.gain, points: [["01:00:00:00", "0 dB"]] }
  - { target: FX.eq.1.gain, points: [["01:00:00:00", "0 dB"]] }
  - { target: s1.eq.1.gain, points: [["0 s", "0 dB"]] }
  - { target: FX.distance, points: [["01:00:00:00", "2 m"]] }
  - { target: FX.send.hall, points: [["1 s", "0 dB"]] }
master: { layout: mono, file: mix.wav }
`,
      { 't.wav': { frames: SR, fn: () => 0.1 } },
    );
    expect(ds.map(brief)).toEqual([
      err('PA211', 16, 15),
      err('PA215', 17, 15),
      err('PA215', 18, 15),
      err('PA215', 19, 15),
      err('PA215', 20, 15),
      err('PA215', 21, 15),
      err('PA207', 22, 39),
    ]);
    expect(ds[0].message).toBe("automation of s1.send.hal: send to unknown reverb 'hal'");
    expect(ds[0].hint).toBe("did you mean 'hall'?");
    expect(ds[1].message).toBe('automation of FX.eq.3.gain: bus \'FX\' has 2 EQ bands, not 3');
    expect(ds[2].message).toBe("automation of FX.eq.sparkle.gain: bus 'FX' has no EQ band named 'sparkle' (bands: 1, air)");
    expect(ds[3].message).toBe('automation of FX.eq.1.gain: EQ band 1 is a highpass: only peaking and shelf bands have a gain');
    expect(ds[4].message).toBe("automation of s1.eq.1.gain: event 's1' has no eq in its process");
    expect(ds[5].message).toBe("bus 'FX': a bus has no distance; automate its gain, a send or an EQ band");
    expect(ds[6].message).toMatch(/^automation of FX.send.hall: a time on a bus is a timecode/);
  });
});
