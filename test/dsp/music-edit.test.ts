import { describe, expect, it } from 'vitest';
import {
  cueGainAt,
  planEdit,
  readGainAt,
  renderEdit,
  type EditPlan,
  type SourceReader,
} from '../../src/renderers/dsp/music-edit.ts';
import { prng } from '../helpers/signals.ts';

/** A mono source whose sample n is n (exact in float32 up to 2^24): every output sample names its source. */
const rampReader: SourceReader = (start, frames, out) => {
  if (start < 0) throw new RangeError(`read before the source: ${start}`);
  for (let i = 0; i < frames; i++) out[i] = start + i;
};

function renderAll(plan: EditPlan, read: SourceReader, channels = 1, blocks?: number[]): Float64Array {
  const out = new Float64Array(plan.length * channels);
  const sizes = blocks ?? [plan.length];
  let at = 0;
  for (const len of sizes) {
    const block = new Float64Array(len * channels);
    renderEdit(plan, read, block, at, len, new Float32Array(len * channels), channels);
    out.set(block, at * channels);
    at += len;
  }
  return out;
}

describe('planEdit + renderEdit: a two-segment edit, by hand', () => {
  // source 100…109, then source 200…209, joined with a 4-sample linear crossfade
  const segments = [
    { from: 100, to: 110 },
    { from: 200, to: 210, crossfade: 4, crossfadeCurve: 'linear' as const },
  ];

  it('centred on the join: the fade spans timeline 8…11 (2 before the cut, 2 after)', () => {
    const plan = planEdit(segments);
    expect(plan.length).toBe(20);
    expect(plan.reads).toEqual([
      { segment: 0, repetition: 0, timelineStart: 0, sourceStart: 100, length: 12, fadeIn: 0, fadeInCurve: 'equal-power', fadeOut: 4, fadeOutCurve: 'linear' },
      { segment: 1, repetition: 0, timelineStart: 8, sourceStart: 198, length: 12, fadeIn: 4, fadeInCurve: 'linear', fadeOut: 0, fadeOutCurve: 'linear' },
    ]);
    // outgoing ×(1, ¾, ½, ¼) over source 108…111, incoming ×(0, ¼, ½, ¾) over source 198…201:
    //  8: 108            9: ¾·109 + ¼·199 = 131.5
    // 10: ½·110 + ½·200 = 155             11: ¼·111 + ¾·201 = 178.5
    const expected = [100, 101, 102, 103, 104, 105, 106, 107, 108, 131.5, 155, 178.5, 202, 203, 204, 205, 206, 207, 208, 209];
    expect(Array.from(renderAll(plan, rampReader))).toEqual(expected);
  });

  it("ending at the join (align 'end'): the incoming piece is at full level from its `from`", () => {
    const plan = planEdit(segments, { align: 'end' });
    expect(plan.reads.map((r) => [r.timelineStart, r.sourceStart, r.length])).toEqual([
      [0, 100, 10],
      [6, 196, 14],
    ]);
    //  6: 106            7: ¾·107 + ¼·197 = 129.5
    //  8: ½·108 + ½·198 = 153              9: ¼·109 + ¾·199 = 176.5     10…: 200…
    const expected = [100, 101, 102, 103, 104, 105, 106, 129.5, 153, 176.5, 200, 201, 202, 203, 204, 205, 206, 207, 208, 209];
    expect(Array.from(renderAll(plan, rampReader))).toEqual(expected);
  });

  it('renders the same samples into float32 blocks of any size', () => {
    const plan = planEdit(segments);
    const whole = renderAll(plan, rampReader);
    for (const size of [1, 3, 7]) {
      const blocks: number[] = [];
      for (let s = 0; s < plan.length; s += size) blocks.push(Math.min(size, plan.length - s));
      expect(Array.from(renderAll(plan, rampReader, 1, blocks))).toEqual(Array.from(whole));
    }
    const f32 = new Float32Array(20);
    renderEdit(plan, rampReader, f32, 0, 20, new Float32Array(20));
    expect(Array.from(f32)).toEqual(Array.from(whole));
  });

  it('a butt splice (no crossfade) switches source on the cut', () => {
    const plan = planEdit([
      { from: 100, to: 103 },
      { from: 500, to: 502 },
    ]);
    expect(Array.from(renderAll(plan, rampReader))).toEqual([100, 101, 102, 500, 501]);
  });

  it('is silent outside the cue', () => {
    const plan = planEdit(segments);
    const out = new Float64Array(10);
    renderEdit(plan, rampReader, out, -5, 10, new Float32Array(10));
    expect(Array.from(out)).toEqual([0, 0, 0, 0, 0, 100, 101, 102, 103, 104]);
    renderEdit(plan, rampReader, out, 18, 10, new Float32Array(10));
    expect(Array.from(out)).toEqual([208, 209, 0, 0, 0, 0, 0, 0, 0, 0]);
  });
});

describe('crossfades of correlated material', () => {
  // a cut between two abutting pieces of the same recording: both sides read the same samples in the fade
  const constantReader: SourceReader = (_start, frames, out) => out.fill(1, 0, frames);

  it('linear: seamless (the gains sum to 1)', () => {
    const plan = planEdit(
      [
        { from: 1000, to: 2000 },
        { from: 2000, to: 3000 },
      ],
      { crossfade: 100, crossfadeCurve: 'linear' },
    );
    const out = renderAll(plan, rampReader);
    for (let n = 0; n < plan.length; n++) expect(Math.abs(out[n]! - (1000 + n))).toBeLessThan(1e-9);
  });

  it('equal-power (default): +3.01 dB bump at the middle of the fade (sin + cos = √2)', () => {
    const plan = planEdit(
      [
        { from: 1000, to: 2000 },
        { from: 2000, to: 3000 },
      ],
      { crossfade: 100 },
    );
    const out = renderAll(plan, constantReader);
    let peak = 0;
    for (const v of out) peak = Math.max(peak, v);
    expect(20 * Math.log10(peak)).toBeCloseTo(20 * Math.log10(Math.SQRT2), 10); // 3.0103 dB
    expect(out[1000]).toBeCloseTo(Math.SQRT2, 12); // the cut, mid-fade (window 950…1049)
    // power is what stays constant: in² + out² = 1 at every sample of the fade
    const [a, b] = plan.reads;
    for (let n = 950; n < 1050; n++) expect(readGainAt(a!, n) ** 2 + readGainAt(b!, n) ** 2).toBeCloseTo(1, 14);
  });
});

describe('repeats', () => {
  const fs = 48000;
  // 1 kHz tone: 48 samples per period, so 480 samples are 10 whole periods
  const toneReader: SourceReader = (start, frames, out) => {
    for (let i = 0; i < frames; i++) out[i] = Math.sin((2 * Math.PI * 1000 * (start + i)) / fs);
  };

  it('lays the repeats end to end with joins between them', () => {
    const plan = planEdit([{ from: 480, to: 960, repeat: 4, crossfade: 48, crossfadeCurve: 'linear' }, { from: 5000, to: 5100 }]);
    expect(plan.length).toBe(4 * 480 + 100);
    expect(plan.reads.map((r) => [r.segment, r.repetition, r.timelineStart, r.sourceStart, r.length])).toEqual([
      [0, 0, 0, 480, 480 + 24],
      [0, 1, 480 - 24, 456, 24 + 480 + 24],
      [0, 2, 960 - 24, 456, 24 + 480 + 24],
      [0, 3, 1440 - 24, 456, 24 + 480], // the join into segment 1 has no crossfade
      [1, 0, 1920, 5000, 100],
    ]);
  });

  it('a loop of whole periods with a linear crossfade is the continuous tone', () => {
    const plan = planEdit([{ from: 480, to: 960, repeat: 4, crossfade: 48, crossfadeCurve: 'linear' }]);
    const out = renderAll(plan, toneReader);
    let worst = 0;
    for (let n = 0; n < plan.length; n++) worst = Math.max(worst, Math.abs(out[n]! - Math.sin((2 * Math.PI * 1000 * n) / fs)));
    expect(worst).toBeLessThan(1e-6);
  });
});

describe('cue fades', () => {
  it('fade in from silence and out to one step above silence', () => {
    const plan = planEdit([{ from: 0, to: 10 }], { fadeIn: 4, fadeOut: 4 });
    const ones: SourceReader = (_s, frames, out) => out.fill(1, 0, frames);
    expect(Array.from(renderAll(plan, ones))).toEqual([0, 0.25, 0.5, 0.75, 1, 1, 1, 0.75, 0.5, 0.25]);
    expect(cueGainAt(plan, -1)).toBe(0);
    expect(cueGainAt(plan, 10)).toBe(0);
  });

  it('equal-power fades follow sin(πx/2)', () => {
    const plan = planEdit([{ from: 0, to: 100 }], { fadeIn: 10, fadeInCurve: 'equal-power' });
    expect(cueGainAt(plan, 5)).toBeCloseTo(Math.SQRT1_2, 15);
  });
});

describe('streaming', () => {
  it('renders interleaved multichannel audio identically for any block split', () => {
    const stereo: SourceReader = (start, frames, out) => {
      for (let i = 0; i < frames; i++) {
        out[2 * i] = Math.sin((start + i) * 0.01);
        out[2 * i + 1] = Math.cos((start + i) * 0.013);
      }
    };
    const plan = planEdit(
      [
        { from: 5000, to: 9000 },
        { from: 1000, to: 3000, repeat: 3, crossfade: 300 },
        { from: 12000, to: 15000, crossfade: 1001, crossfadeCurve: 'linear' },
      ],
      { fadeIn: 500, fadeOut: 2000, fadeOutCurve: 'equal-power' },
    );
    const whole = renderAll(plan, stereo, 2);
    for (const seed of [1, 2]) {
      const r = prng(seed);
      const blocks: number[] = [];
      for (let left = plan.length; left > 0; ) {
        const len = Math.min(left, 1 + Math.floor(r() * 1500));
        blocks.push(len);
        left -= len;
      }
      const split = renderAll(plan, stereo, 2, blocks);
      let diff = -1;
      for (let i = 0; i < whole.length && diff < 0; i++) if (!Object.is(whole[i], split[i])) diff = i;
      expect(diff).toBe(-1);
    }
  });

  it('rejects a scratch or output buffer that is too small', () => {
    const plan = planEdit([{ from: 0, to: 100 }]);
    expect(() => renderEdit(plan, rampReader, new Float32Array(10), 0, 10, new Float32Array(5))).toThrow(RangeError);
    expect(() => renderEdit(plan, rampReader, new Float32Array(10), 0, 10, new Float32Array(20), 2)).toThrow(RangeError);
  });
});

describe('planEdit: impossible edits', () => {
  it('needs handles before `from` and after `to`', () => {
    expect(() => planEdit([{ from: 0, to: 100 }, { from: 0, to: 100, crossfade: 10 }])).toThrow(/handle before source sample 0/);
    expect(() => planEdit([{ from: 0, to: 100 }, { from: 200, to: 300, crossfade: 10 }], { sourceLength: 104 })).toThrow(/past the source/);
    expect(() => planEdit([{ from: 0, to: 100 }, { from: 200, to: 300, crossfade: 10 }], { sourceLength: 300 })).not.toThrow();
  });

  it('refuses crossfades that overlap within a segment, and fades longer than the cue', () => {
    expect(() => planEdit([{ from: 100, to: 200 }, { from: 300, to: 310, crossfade: 16 }, { from: 400, to: 500, crossfade: 16 }])).toThrow(
      /too short for its crossfades/,
    );
    expect(() => planEdit([{ from: 0, to: 10 }], { fadeIn: 6, fadeOut: 5 })).toThrow(RangeError);
  });

  it('rejects malformed segments', () => {
    expect(() => planEdit([])).toThrow(RangeError);
    expect(() => planEdit([{ from: 10, to: 10 }])).toThrow(RangeError);
    expect(() => planEdit([{ from: 1.5, to: 10 }])).toThrow(RangeError);
    expect(() => planEdit([{ from: 0, to: 10, repeat: 0 }])).toThrow(RangeError);
    expect(() => planEdit([{ from: 0, to: 10 }], { align: 'start' as never })).toThrow(RangeError);
  });
});
