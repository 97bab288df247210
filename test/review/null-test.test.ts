// The null test: windows where two renders differ by more than the threshold, merged into
// ranges; the level offset measured where the content is the same; silence past the shorter file.
import { describe, expect, it } from 'vitest';
import { nullTest, type FrameSource } from '../../src/review/null-test.ts';

const W = 100; // frames per window in these tests

function source(samples: Float32Array, channels = 1): FrameSource {
  return {
    channels,
    frames: samples.length / channels,
    read(start, n, out) {
      const got = Math.max(0, Math.min(n, samples.length / channels - start));
      out.set(samples.subarray(start * channels, (start + got) * channels));
      return got;
    },
  };
}

/** A noise-like but deterministic signal at about −12 dBFS. */
function signal(frames: number, seed = 1): Float32Array {
  const out = new Float32Array(frames);
  let x = seed;
  for (let i = 0; i < frames; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out[i] = 0.25 * ((x / 2147483648) * 2 - 1);
  }
  return out;
}

describe('null test', () => {
  it('finds nothing in identical renders', () => {
    const a = signal(2000);
    const r = nullTest(source(a), source(a.slice()), { windowFrames: W });
    expect(r).toEqual({ windowFrames: W, thresholdDb: -60, ranges: [], gainDb: 0, levelMatched: [] });
  });

  it('finds a changed stretch, window-aligned, with its peak', () => {
    const a = signal(2000);
    const b = a.slice();
    for (let i = 450; i < 620; i++) b[i] += 0.01; // −40 dBFS difference in windows 4, 5, 6
    const r = nullTest(source(a), source(b), { windowFrames: W, mergeGapFrames: 0 });
    expect(r.ranges).toEqual([{ start: 400, end: 700, peakDb: -40 }]);
    expect(r.gainDb).toBe(0);
  });

  it('ignores differences under the threshold, and joins ranges closer than the merge gap', () => {
    const a = signal(3000);
    const b = a.slice();
    b[150] += 0.0005; // −66 dBFS: under −60
    b[1050] += 0.01;
    b[1350] += 0.01; // two windows apart from the one above
    b[2550] += 0.01;
    expect(nullTest(source(a), source(b), { windowFrames: W, mergeGapFrames: 0 }).ranges.map((x) => [x.start, x.end])).toEqual([
      [1000, 1100],
      [1300, 1400],
      [2500, 2600],
    ]);
    expect(nullTest(source(a), source(b), { windowFrames: W, mergeGapFrames: 2 * W }).ranges.map((x) => [x.start, x.end])).toEqual([
      [1000, 1400],
      [2500, 2600],
    ]);
  });

  it('measures a level offset where the content is the same and reports only what else changed', () => {
    const a = signal(4000);
    const b = a.map((v) => v * 0.5); // 6 dB quieter (a loudness normalisation moved) …
    for (let i = 2000; i < 2100; i++) b[i] = 0; // … and one stretch muted
    const r = nullTest(source(a), source(b), { windowFrames: W, mergeGapFrames: 0 });
    expect(r.ranges).toEqual([{ start: 0, end: 4000, peakDb: expect.any(Number) }]);
    expect(r.gainDb).toBe(6.02);
    expect(r.levelMatched.map((x) => [x.start, x.end])).toEqual([[2000, 2100]]);
  });

  it('treats the end of the shorter render as silence', () => {
    const a = signal(1000);
    const b = a.slice(0, 800);
    const r = nullTest(source(a), source(b), { windowFrames: W });
    expect(r.ranges.map((x) => [x.start, x.end])).toEqual([[800, 1000]]);
  });

  it('compares every channel and refuses different channel counts', () => {
    const a = new Float32Array(400);
    const b = new Float32Array(400);
    b[2 * 150 + 1] = 0.5; // right channel, frame 150
    expect(nullTest(source(a, 2), source(b, 2), { windowFrames: W }).ranges).toEqual([{ start: 100, end: 200, peakDb: -6 }]);
    expect(() => nullTest(source(a, 2), source(new Float32Array(200), 1), { windowFrames: W })).toThrow(/2-channel .* 1-channel/);
  });
});
