/**
 * Issue 4, end to end: the soundtrack model compiled and rendered from small projects,
 * checked on the output WAV against physics and hand computations — distance (inverse law,
 * ISO 9613-1 air absorption), Doppler, foley takes and what they re-render, music edits,
 * automation, stems and the M&E, and reverb sends.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { airAbsorptionCoefficient } from '../../src/renderers/dsp/air-absorption.ts';
import { speedOfSound } from '../../src/renderers/dsp/distance.ts';
import { measureWav } from '../../src/renderers/measure.ts';
import { HEAD, SR, build, db, makeProject, noise, readWav, render, rewrite, rms, sine, toneAmplitude, zeroCrossingFrequency, type Signal } from './helpers.ts';

const MONO_MASTER = 'master: { layout: mono, file: mix.wav, bits: 32f }\n';

/** One sound effect on a plain bus, with extra event lines (indented 4). */
function oneEffect(source: string, lines: string[]): string {
  return `${HEAD}sources:
  ${source}: ${source}.wav
buses:
  FX: { stem: effects }
sfx:
  - id: s1
    source: ${source}
    at: "01:00:00:00"
    bus: FX
${lines.map((l) => `    ${l}\n`).join('')}${MONO_MASTER}`;
}

describe('distance', () => {
  const tones: Record<string, Signal> = {
    'k1.wav': { frames: SR, fn: sine(1000, 0.5) },
    'k4.wav': { frames: SR, fn: sine(4000, 0.5) },
    'k8.wav': { frames: SR, fn: sine(8000, 0.5) },
  };
  /** Level (dB re the source's 0.5 amplitude) of the rendered tone, away from the filter's start. */
  async function level(source: string, distance: string | null, freq: number): Promise<number> {
    const dir = makeProject(oneEffect(source, distance ? [`distance: ${distance}`] : []), { [`${source}.wav`]: tones[`${source}.wav`] });
    const out = await render(dir);
    expect(out.frames).toBe(SR);
    return db(toneAmplitude(out.channel(0), freq, 4800, 43200) / 0.5);
  }

  it('a 1 kHz tone at 2 m is 6.02 dB quieter than at 1 m (inverse-distance law)', async () => {
    const at1 = await level('k1', '1 m', 1000);
    const at2 = await level('k1', '2 m', 1000);
    expect(at1).toBeCloseTo(-airAbsorptionCoefficient(1000), 2); // 1 m is the reference distance: only air absorption
    expect(at1 - at2).toBeGreaterThan(20 * Math.log10(2) - 0.1);
    expect(at1 - at2).toBeLessThan(20 * Math.log10(2) + 0.1);
  });

  it('distance_model: rolloff and reference distance change the law (inverse, rolloff 2: g = ref / (ref + 2·(d − ref)))', async () => {
    const levelWith = async (model: string) => {
      const dir = makeProject(oneEffect('k1', ['distance: 3 m', `distance_model: ${model}`]), { 'k1.wav': tones['k1.wav'] });
      return db(toneAmplitude((await render(dir)).channel(0), 1000, 4800, 43200) / 0.5);
    };
    const physical = await levelWith('{ rolloff: 1 }');
    const steep = await levelWith('{ rolloff: 2 }');
    const farRef = await levelWith('{ reference: 3 m }');
    expect(physical - steep).toBeCloseTo(20 * Math.log10(5 / 3), 1); // 1/3 vs 1/5
    expect(farRef - physical).toBeCloseTo(20 * Math.log10(3), 1); // unity at 3 m
  });

  it('delay: true shifts a distant event by its travel time (343 m in about 1 s)', async () => {
    const onset = async (extra: string[]) => {
      const dir = makeProject(oneEffect('k1', ['distance: 343 m', ...extra]), { 'k1.wav': tones['k1.wav'] });
      const x = (await render(dir)).channel(0);
      return x.findIndex((v) => Math.abs(v) > 1e-6);
    };
    const plain = await onset([]);
    const delayed = await onset(['delay: true']);
    expect(delayed - plain).toBe(Math.round((343 / speedOfSound(20)) * SR));
  });

  it('at 100 m the highs lose what ISO 9613-1 says (1, 4 and 8 kHz within 1 dB)', async () => {
    for (const [src, f] of [['k1', 1000], ['k4', 4000], ['k8', 8000]] as const) {
      const near = await level(src, null, f);
      const far = await level(src, '100 m', f);
      expect(near).toBeCloseTo(0, 4); // no distance model: the tone as recorded
      const expected = 40 + airAbsorptionCoefficient(f) * 100; // inverse law from 1 m + α·d
      expect(Math.abs(near - far - expected)).toBeLessThan(1);
    }
    // and the difference between 8 kHz and 1 kHz is the air absorption alone (≈ 10 dB)
    const loss1 = -(await level('k1', '100 m', 1000));
    const loss8 = -(await level('k8', '100 m', 8000));
    const iso = (airAbsorptionCoefficient(8000) - airAbsorptionCoefficient(1000)) * 100;
    expect(iso).toBeGreaterThan(9.5);
    expect(Math.abs(loss8 - loss1 - iso)).toBeLessThan(1);
  });

  it('Doppler: a 1 kHz source approaching at 30 m/s is heard at f·c/(c − v) within 0.5 %', async () => {
    const dir = makeProject(oneEffect('k1', ['distance: { "0 s": 100 m, "2 s": 40 m }', 'doppler: true']), { 'k1.wav': { frames: 2 * SR, fn: sine(1000, 0.5) } });
    const out = await render(dir);
    const c = speedOfSound(20);
    const v = (100 - 40) / 2;
    // the first sound arrives after the 100 m flight time; the clip keeps the last one's flight
    const arrival = 100 / c;
    const x = out.channel(0);
    expect(rms(x, 0, Math.floor(arrival * SR) - 64)).toBe(0);
    expect(out.frames).toBeGreaterThanOrEqual(Math.floor((2 + 40 / c) * SR));
    const f = zeroCrossingFrequency(x, Math.round(0.6 * SR), Math.round(1.8 * SR));
    const expected = (1000 * c) / (c - v);
    expect(Math.abs(f / expected - 1)).toBeLessThan(0.005);
    // and not the unshifted tone: the shift (9.6 %) is far outside the tolerance
    expect(f / 1000 - 1).toBeGreaterThan(0.09);
  });
});

describe('foley takes', () => {
  const wavs: Record<string, Signal> = {
    't1.wav': { frames: SR, fn: sine(300, 0.2) },
    't2.wav': { frames: SR, fn: sine(600, 0.3) },
    't3.wav': { frames: SR / 2, fn: sine(900, 0.4) },
    'amb.wav': { frames: SR, fn: noise(SR, 0.05, 7) },
  };
  const yaml = (take: string, slip = '') => `${HEAD}sources:
  t1: t1.wav
  t2: t2.wav
  t3: t3.wav
  amb: amb.wav
buses:
  FOL: { stem: foley }
  AMB: { stem: effects }
sfx:
  - { id: a1, source: amb, at: "01:00:00:00", bus: AMB }
foley:
  - id: f1
    takes: [t1, t2, t3]
    take: ${take}
    at: "01:00:00:12"
    out: 0.4 s
    bus: FOL${slip}
${MONO_MASTER}`;

  it('renders the chosen take; switching it re-renders that clip and what mixes it, nothing else', async () => {
    const dir = makeProject(yaml('1'), wavs);
    const first = await build(dir);
    expect(first.rendered).toContain('clip:f1');
    expect(first.rendered).toContain('clip:a1');
    const at = SR / 2; // 12 frames at 24 fps
    let out = readWav(path.join(dir, 'out/mix.wav')).channel(0);
    const amb = wavs['amb.wav'].fn;
    // take 1 plays from 0.5 s for 0.4 s, over the ambience
    for (const i of [0, 100, at - 1, at + 4800 + 17, at + 19199, at + 19200]) {
      const fol = i >= at && i < at + 19200 ? wavs['t1.wav'].fn(i - at, 0) : 0;
      expect(out[i]).toBeCloseTo(amb(i, 0) + fol, 6);
    }

    rewrite(dir, yaml('2'));
    const second = await build(dir);
    expect(second.rendered).toEqual(['bus:FOL', 'clip:f1', 'deliverable:mix.wav', 'master', 'qc:mix.wav', 'report:qc', 'source:t2']);
    out = readWav(path.join(dir, 'out/mix.wav')).channel(0);
    expect(out[at + 4800 + 17]).toBeCloseTo(amb(at + 4800 + 17, 0) + wavs['t2.wav'].fn(4800 + 17, 0), 6);

    // a take named by its source id is the same take: nothing renders
    rewrite(dir, yaml('t2'));
    expect((await build(dir)).rendered).toEqual([]);
  });

  it('slip moves the take against the picture by frames or milliseconds', async () => {
    const dir = makeProject(yaml('1', '\n    slip: "-2f"'), wavs);
    const out = await render(dir);
    const x = out.channel(0);
    const at = SR / 2 - 2 * 2000; // 2 frames of 2000 samples earlier
    const amb = wavs['amb.wav'].fn;
    expect(x[at - 1]).toBeCloseTo(amb(at - 1, 0), 6);
    expect(x[at + 1234]).toBeCloseTo(amb(at + 1234, 0) + wavs['t1.wav'].fn(1234, 0), 6);
    rewrite(dir, yaml('1', '\n    slip: 15 ms'));
    const later = (await render(dir)).channel(0);
    const at2 = SR / 2 + 720;
    expect(later[at2 - 1]).toBeCloseTo(amb(at2 - 1, 0), 6);
    expect(later[at2 + 1234]).toBeCloseTo(amb(at2 + 1234, 0) + wavs['t1.wav'].fn(1234, 0), 6);
  });
});

describe('music edit', () => {
  const N = 3 * SR;
  /** A ramp: sample n holds n/N, so every output sample names the source sample it came from. */
  const ramp: Signal = { frames: N, fn: (i) => i / N };
  const x = (n: number) => Math.fround(n / N);
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
${edit}${MONO_MASTER}`;

  it('a two-segment edit with a 10 ms equal-power crossfade ending on the cut, sample by sample', async () => {
    const dir = makeProject(
      cue(`      - { from: 0 s, to: 1 s }
      - { from: 2 s, to: 3 s, crossfade: 10 ms }
`),
      { 'mx.wav': ramp },
    );
    const out = (await render(dir)).channel(0);
    expect(out.length).toBe(2 * SR); // the cue is the sum of the segments' lengths
    const X = 480;
    const J = SR; // the cut
    // music-edit.ts, align 'end': the crossfade spans [J − X, J); at p = n − (J − X) the incoming
    // piece (read from 2 s − X) has gain sin(π/2·p/X), the outgoing one sin(π/2·(J − n)/X)
    const expected = (n: number) => {
      if (n < J - X) return x(n);
      if (n >= J) return x(2 * SR + (n - J));
      const p = n - (J - X);
      return Math.sin((Math.PI / 2) * ((J - n) / X)) * x(n) + Math.sin((Math.PI / 2) * (p / X)) * x(2 * SR - X + p);
    };
    let worst = 0;
    for (let n = 0; n < out.length; n++) worst = Math.max(worst, Math.abs(out[n] - expected(n)));
    expect(worst).toBeLessThan(2e-7);
    // the downbeat is clean: from the cut on, only the incoming segment, exactly
    expect(out[J]).toBe(x(2 * SR));
    expect(out[J - X - 1]).toBe(x(J - X - 1));
    // mid-crossfade both pieces are at sin(π/4)
    expect(out[J - X / 2]).toBeCloseTo(Math.SQRT1_2 * (x(J - X / 2) + x(2 * SR - X / 2)), 6);
  });

  it('repeats extend the cue: a half-second loop played three times, then a tail', async () => {
    const dir = makeProject(
      cue(`      - { from: 0.5 s, to: 1 s, repeat: 3, crossfade: 0 }
      - { from: 2.5 s, to: 3 s, crossfade: 0 }
`),
      { 'mx.wav': ramp },
    );
    const out = (await render(dir)).channel(0);
    const L = SR / 2;
    expect(out.length).toBe(4 * L);
    for (let n = 0; n < 3 * L; n += 997) expect(out[n]).toBe(x(L + (n % L)));
    for (const n of [L - 1, L, 2 * L - 1, 2 * L]) expect(out[n]).toBe(x(L + (n % L)));
    expect(out[3 * L]).toBe(x(5 * L));
    expect(out[4 * L - 1]).toBe(x(6 * L - 1));
  });

  it('repeats of the first segment crossfade too (the default crossfade cut to the source before `from`)', async () => {
    // a loop from 0.5 s: the default 50 ms fits before `from`, so each repeat fades in over the last 50 ms
    const looped = (await render(makeProject(cue(`      - { from: 0.5 s, to: 1 s, repeat: 2 }\n`), { 'mx.wav': ramp }))).channel(0);
    const X = 0.05 * SR;
    const J = SR / 2;
    expect(looped.length).toBe(SR);
    for (const p of [0, X / 4, X / 2, X - 1]) {
      const n = J - X + p;
      const expected = Math.sin((Math.PI / 2) * ((J - n) / X)) * x(SR / 2 + n) + Math.sin((Math.PI / 2) * (p / X)) * x(SR / 2 - X + p);
      expect(Math.abs(looped[n] - expected), `at p = ${p}`).toBeLessThan(2e-7);
    }
    expect(looped[J]).toBe(x(SR / 2));
    expect(looped[J - X - 1]).toBe(x(SR / 2 + J - X - 1));
    // a loop from 0 s has no source before it: a butt splice, the repeat starts exactly at the cut
    const fromZero = (await render(makeProject(cue(`      - { from: 0 s, to: 0.5 s, repeat: 2 }\n`), { 'mx.wav': ramp }))).channel(0);
    for (const n of [J - 1, J, J + 1]) expect(fromZero[n]).toBe(x(n % J));
  });

  it('repeats of a later segment crossfade into each repetition too', async () => {
    const dir = makeProject(
      cue(`      - { from: 0 s, to: 1 s }
      - { from: 2 s, to: 2.5 s, repeat: 2, crossfade: 10 ms }
`),
      { 'mx.wav': ramp },
    );
    const out = (await render(dir)).channel(0);
    const X = 480;
    expect(out.length).toBe(2 * SR);
    // second join at 1.5 s: outgoing = end of the first repetition, incoming = 2 s − X onwards again
    const J = SR + SR / 2;
    const p = X / 2;
    const n = J - X + p;
    const expected = Math.sin((Math.PI / 2) * ((J - n) / X)) * x(2 * SR + (n - SR)) + Math.sin((Math.PI / 2) * (p / X)) * x(2 * SR - X + p);
    expect(Math.abs(out[n] - expected)).toBeLessThan(2e-7);
    expect(out[J]).toBe(x(2 * SR));
  });
});

describe('automation', () => {
  const dc: Signal = { frames: 3 * SR, fn: () => 0.5 };
  const yaml = (automation: string) => `${HEAD}sources:
  dc: dc.wav
buses:
  MX: { stem: music }
music:
  - { id: m1, source: dc, at: "01:00:00:00", bus: MX }
automation:
${automation}
${MONO_MASTER}`;

  /** Checks a 0 dB → −12 dB ramp from 1 s to 2 s on a 0.5 DC signal: values and smoothness. */
  function checkRamp(out: Float32Array) {
    const gain = (n: number) => {
      if (n < SR) return 1;
      if (n >= 2 * SR) return 10 ** (-12 / 20);
      return 10 ** ((-12 * (n - SR)) / SR / 20); // a straight line in dB
    };
    let worst = 0;
    for (let n = 0; n < 3 * SR; n++) worst = Math.max(worst, Math.abs(out[n] - 0.5 * gain(n)));
    expect(worst).toBeLessThan(1e-5);
    // exact at the breakpoints and at the middle (−6 dB)
    expect(out[SR]).toBeCloseTo(0.5, 6);
    expect(out[SR + SR / 2]).toBeCloseTo(0.5 * 10 ** (-6 / 20), 6);
    expect(out[2 * SR]).toBeCloseTo(0.5 * 10 ** (-12 / 20), 6);
    // no zipper: no step between neighbouring samples larger than the ramp's own slope
    const maxSlope = (0.5 * Math.LN10 * (12 / 20)) / SR; // |d/dn| of 0.5·10^(−12·(n − SR)/SR/20) at the start of the ramp
    let step = 0;
    for (let n = 1; n < 3 * SR; n++) step = Math.max(step, Math.abs(out[n] - out[n - 1]));
    expect(step).toBeLessThan(maxSlope * 1.01 + 1e-7);
    expect(step).toBeGreaterThan(maxSlope * 0.9);
  }

  it('a bus gain ramp 0 dB → −12 dB over 1 s is interpolated in dB, per sample, with no steps', async () => {
    const out = await render(makeProject(yaml('  - { target: MX.gain, points: [ ["01:00:01:00", "0 dB"], ["01:00:02:00", "-12 dB"] ] }'), { 'dc.wav': dc }));
    checkRamp(out.channel(0));
  });

  it('an event gain ramp likewise (times relative to the timeline, applied to the clip)', async () => {
    const out = await render(makeProject(yaml('  - { target: m1.gain, points: [ ["01:00:01:00", "0 dB"], ["01:00:02:00", "-12 dB", linear] ] }'), { 'dc.wav': dc }));
    checkRamp(out.channel(0));
  });

  it('hold steps at the next breakpoint; s-curve has zero slope at both ends', async () => {
    const hold = (await render(makeProject(yaml('  - { target: MX.gain, points: [ ["01:00:01:00", "0 dB", hold], ["01:00:02:00", "-12 dB"] ] }'), { 'dc.wav': dc }))).channel(0);
    expect(hold[2 * SR - 1]).toBe(0.5);
    expect(hold[2 * SR]).toBeCloseTo(0.5 * 10 ** (-12 / 20), 6);
    const s = (await render(makeProject(yaml('  - { target: MX.gain, points: [ ["01:00:01:00", "0 dB", s-curve], ["01:00:02:00", "-12 dB"] ] }'), { 'dc.wav': dc }))).channel(0);
    const at = (n: number) => 0.5 * 10 ** ((-12 * (1 - Math.cos((Math.PI * (n - SR)) / SR))) / 2 / 20);
    for (const n of [SR, SR + 4800, SR + SR / 2, 2 * SR - 4800, 2 * SR]) expect(s[n]).toBeCloseTo(at(n), 6);
  });
});

describe('buses, stems, M&E and the printmaster', () => {
  const signals: Record<string, Signal> = {
    'dx.wav': { frames: SR, fn: noise(SR, 0.2, 1) },
    'fx.wav': { frames: SR, fn: sine(440, 0.3) },
    'mx.wav': { frames: 3 * SR, fn: sine(220, 0.25) },
  };
  // The first bus in id order (DX) starts 2 s in — later than one render block (65536 frames) —
  // while the others start at 0: the master must still sum them from the first block on.
  const yaml = `${HEAD}sources:
  dx: dx.wav
  fx: fx.wav
  mx: mx.wav
buses:
  DX: { stem: dialogue, gain: -2 dB }
  FX: { stem: effects }
  MX: { stem: music, gain: -4 dB }
dialogue:
  - { id: d1, source: dx, at: "01:00:02:00", bus: DX, pan: -20 deg }
sfx:
  - { id: s1, source: fx, at: "01:00:00:00", bus: FX, pan: 30 deg }
music:
  - { id: m1, source: mx, at: "01:00:00:00", bus: MX, gain: -3 dB }
master:
  layout: stereo
  deliverables:
    - { name: print, file: print.wav, bits: 32f, target: ebu-r128, limiter: false }
    - { name: stems, file: "x-{stem}.wav", stems: [dialogue, effects, music], bits: 32f }
    - { name: mande, file: mande.wav, mix: [music, effects], bits: 32f }
`;

  it('the stems sum to the printmaster (limiter off) within −120 dBFS, and the M&E is music + effects', async () => {
    const dir = makeProject(yaml, signals);
    await build(dir);
    const read = (f: string) => readWav(path.join(dir, 'out', f));
    const print = read('print.wav');
    const stems = ['dialogue', 'effects', 'music'].map((s) => read(`x-${s}.wav`));
    const mande = read('mande.wav');
    for (const s of [...stems, mande]) {
      expect(s.channels).toBe(2);
      expect(s.frames).toBe(print.frames);
    }
    // the printmaster is mastered to −23 LUFS, a gain the stems and the M&E take too
    expect(measureWav(path.join(dir, 'out/print.wav')).loudness.integrated).toBeCloseTo(-23, 1);
    let worst = 0;
    let worstMe = 0;
    let peak = 0;
    for (let k = 0; k < print.data.length; k++) {
      const sum = stems[0].data[k] + stems[1].data[k] + stems[2].data[k];
      worst = Math.max(worst, Math.abs(print.data[k] - sum));
      worstMe = Math.max(worstMe, Math.abs(mande.data[k] - (stems[1].data[k] + stems[2].data[k])));
      peak = Math.max(peak, Math.abs(print.data[k]));
    }
    expect(peak).toBeGreaterThan(0.05);
    expect(db(worst)).toBeLessThan(-120);
    expect(db(worstMe)).toBeLessThan(-120);
    // each stem holds only its own buses, in place: the dialogue stem is silent before the line starts at 2 s
    expect(rms(stems[0].data, 0, 2 * 2 * SR)).toBe(0);
    expect(rms(stems[0].data, 2 * 2 * SR, 2 * 3 * SR)).toBeGreaterThan(0.01);
    expect(rms(stems[1].data, 0, 2 * SR)).toBeGreaterThan(0.01);
    // and the printmaster holds the music and effects from the start, before the dialogue bus begins
    expect(rms(print.data, 0, 2 * SR)).toBeCloseTo(Math.hypot(rms(stems[1].data, 0, 2 * SR), rms(stems[2].data, 0, 2 * SR)), 3);
  });
});

describe('reverbs', () => {
  it('an event with reverb: hall feeds the shared return; the tail sounds after the dry event and decays', async () => {
    const burst = 0.2 * SR;
    const dir = makeProject(
      `${HEAD}sources:
  hit: hit.wav
  hit2: hit.wav
buses:
  FX: { stem: effects }
reverbs:
  hall: { decay: 1 s, stem: effects }
sfx:
  - { id: s1, source: hit, at: "01:00:00:00", bus: FX, reverb: hall }
  - { id: s2, source: hit2, at: "01:00:02:00", bus: FX, send: { hall: -6 dB } }
${MONO_MASTER}`,
      { 'hit.wav': { frames: burst, fn: noise(burst, 0.5, 3) } },
    );
    const run = await build(dir);
    expect(run.rendered).toContain('bus:hall');
    const x = readWav(path.join(dir, 'out/mix.wav')).channel(0);
    const win = (a: number, b: number) => rms(x, Math.round(a * SR), Math.round(b * SR));
    const early = win(0.25, 0.45);
    const late = win(0.7, 0.9);
    expect(early).toBeGreaterThan(1e-4);
    expect(late).toBeGreaterThan(0);
    // RT60 of 1 s: 60 dB per second, so ≈ 27 dB between these windows (allow a wide margin)
    expect(db(early / late)).toBeGreaterThan(15);
    expect(db(early / late)).toBeLessThan(45);
    // the second hit sends at −6 dB: its tail is louder than the first (sent at −14 dB at 1 m)
    const early2 = win(2.25, 2.45);
    expect(db(early2 / early)).toBeGreaterThan(4);
  });

  it('the direct-to-reverberant balance follows distance: the send rises 6 dB per doubling up to the critical distance (5 m)', async () => {
    const burst = 0.2 * SR;
    /** reverberant / direct energy (dB) of one hit at `distance`, from the effects and the reverb's own stem */
    const ratio = async (distance: string) => {
      const dir = makeProject(
        `${HEAD}sources:
  hit: hit.wav
buses:
  FX: { stem: effects }
reverbs:
  hall: { decay: 0.5 s, stem: verb }
sfx:
  - { id: s1, source: hit, at: "01:00:00:00", bus: FX, reverb: hall, distance: ${distance} }
master:
  layout: mono
  deliverables:
    - { name: stems, file: "x-{stem}.wav", stems: [effects, verb], bits: 32f }
`,
        { 'hit.wav': { frames: burst, fn: noise(burst, 0.5, 3) } },
      );
      await build(dir);
      const dry = readWav(path.join(dir, 'out/x-effects.wav')).channel(0);
      const wet = readWav(path.join(dir, 'out/x-verb.wav')).channel(0);
      return db(rms(wet, 0, wet.length) / rms(dry, 0, dry.length));
    };
    const at1 = await ratio('1 m');
    const at2 = await ratio('2 m');
    const at10 = await ratio('10 m');
    expect(at2 - at1).toBeCloseTo(20 * Math.log10(2), 1);
    // held at 0 dB from 5 m on (10 m of air takes some highs, which the damped reverb weighs differently: 0.3 dB)
    expect(Math.abs(at10 - at1 - 20 * Math.log10(5))).toBeLessThan(0.3);
  });

  it('a bus sends to a reverb as well (post-fader)', async () => {
    const burst = 0.2 * SR;
    const yaml = (send: string) => `${HEAD}sources:
  hit: hit.wav
buses:
  FX: { stem: effects, gain: -6 dB${send} }
reverbs:
  hall: { decay: 0.5 s }
sfx:
  - { id: s1, source: hit, at: "01:00:00:00", bus: FX }
${MONO_MASTER}`;
    const dry = (await render(makeProject(yaml(''), { 'hit.wav': { frames: burst, fn: noise(burst, 0.5, 3) } }))).channel(0);
    const wet = (await render(makeProject(yaml(', send: { hall: -3 dB }'), { 'hit.wav': { frames: burst, fn: noise(burst, 0.5, 3) } }))).channel(0);
    expect(dry.length).toBe(burst);
    expect(wet.length).toBeGreaterThan(burst + 0.5 * SR);
    expect(rms(wet, burst + 2400, burst + 7200)).toBeGreaterThan(1e-3);
  });
});
