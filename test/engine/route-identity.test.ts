/**
 * A deliverable in the master's own layout is routed in place, without the identity matrix,
 * and must give exactly the matrix's result: −0 becomes +0, and a block holding a non-finite
 * sample is NaN in every channel of that frame, as the matrix products make it.
 */
import { describe, expect, it } from 'vitest';
import { applyMatrix, downmixMatrix } from '../../src/renderers/dsp/downmix.ts';
import type { LayoutName } from '../../src/renderers/dsp/layouts.ts';
import type { BlockReader } from '../../src/renderers/inputs.ts';
import { createRoute, routedInput } from '../../src/renderers/route.ts';

function source(data: Float32Array, channels: number): BlockReader {
  return {
    channels,
    frames: data.length / channels,
    read: (start, n, out) => out.set(data.subarray(start * channels, (start + n) * channels)),
    live: () => [[0, data.length / channels]],
    close: () => {},
  };
}

function sameBits(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

describe('identity route', () => {
  for (const layout of ['mono', 'stereo', '5.1', '7.1'] as LayoutName[]) {
    it(`${layout}: in place equals the identity matrix, bit for bit, zeros' signs and non-finite blocks included`, () => {
      const route = createRoute({ from: layout, to: layout, downmix: 'loro' }, 48000, 64);
      expect(route.identity).toBe(true);
      const ch = route.inChannels;
      const frames = 64 * 4;
      const data = new Float32Array(frames * ch);
      let s = 3;
      const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296) * 2 - 1;
      for (let i = 0; i < data.length; i++) data[i] = rnd();
      data[1] = -0;
      data[2] = 0;
      data[3] = -1e-45; // subnormal
      data[64 * ch + 5] = Infinity; // block 1
      data[128 * ch + 2] = NaN; // block 2
      data[192 * ch + 1] = -0;
      const r = routedInput(source(data, ch), route, 64);
      const m = downmixMatrix(layout, layout);
      for (let pos = 0; pos < frames; pos += 64) {
        const got = new Float32Array(64 * ch);
        r.read(pos, 64, got);
        const want = new Float32Array(64 * ch);
        applyMatrix(data.subarray(pos * ch, (pos + 64) * ch), ch, want, ch, m, 64);
        expect(sameBits(got, want)).toBe(true);
      }
      // the non-finite block really spread NaN (so the comparison above covered that case)
      const b1 = new Float32Array(64 * ch);
      r.read(64, 64, b1);
      const f = Math.floor(5 / ch); // the frame holding the infinity
      for (let c = 0; c < ch; c++) expect(b1[f * ch + c]).toBe(c === 5 % ch ? Infinity : NaN); // 0·∞ in the other channels
    });
  }

  it('a downmix is not an identity route', () => {
    expect(createRoute({ from: '5.1', to: 'stereo', downmix: 'loro' }, 48000, 64).identity).toBeFalsy();
    expect(createRoute({ from: '5.1', to: 'stereo', downmix: 'ltrt' }, 48000, 64).identity).toBeFalsy();
  });
});
