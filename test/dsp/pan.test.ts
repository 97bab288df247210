import { describe, expect, it } from 'vitest';
import { LAYOUT_NAMES, LAYOUTS, type LayoutName } from '../../src/renderers/dsp/layouts.ts';
import {
  azimuthPanGains,
  azimuthPanGainsInto,
  panMatrix,
  panMatrixForLayout,
  wrapAzimuth,
} from '../../src/renderers/dsp/pan.ts';

const MIRROR: Record<string, string> = { L: 'R', R: 'L', Ls: 'Rs', Rs: 'Ls', Lss: 'Rss', Rss: 'Lss', Lrs: 'Rrs', Rrs: 'Lrs', C: 'C', LFE: 'LFE' };

function fullRange(layout: LayoutName): number[] {
  const l = LAYOUTS[layout];
  return l.labels.map((_, i) => i).filter((i) => i !== l.lfe);
}

function power(g: Float64Array, layout: LayoutName): number {
  return fullRange(layout).reduce((acc, i) => acc + g[i]! * g[i]!, 0);
}

describe('panMatrix (mono/stereo pan control, unchanged)', () => {
  it('mono → stereo: θ = (p + 1)·π/4, gL = cos θ, gR = sin θ, p clamped to [−1, 1]', () => {
    for (const p of [-1, -0.5, 0, 0.3, 1]) {
      const t = ((p + 1) * Math.PI) / 4;
      expect(Array.from(panMatrix(p, 1, 2))).toEqual([Math.cos(t), Math.sin(t)]);
    }
    expect(Array.from(panMatrix(2, 1, 2))).toEqual(Array.from(panMatrix(1, 1, 2)));
    expect(Array.from(panMatrix(-7, 1, 2))).toEqual(Array.from(panMatrix(-1, 1, 2)));
    expect(panMatrix(0, 1, 2)[0]).toBe(Math.cos(Math.PI / 4));
  });

  it('stereo → stereo: balance, the far side × cos(|p|·π/2), out-major [LL, LR, RL, RR]', () => {
    expect(Array.from(panMatrix(0, 2, 2))).toEqual([1, 0, 0, 1]);
    const a = Math.cos((0.4 * Math.PI) / 2);
    expect(Array.from(panMatrix(0.4, 2, 2))).toEqual([a, 0, 0, 1]);
    expect(Array.from(panMatrix(-0.4, 2, 2))).toEqual([1, 0, 0, a]);
  });

  it('any → mono: the mean of the channels, pan ignored', () => {
    expect(Array.from(panMatrix(0.7, 1, 1))).toEqual([1]);
    expect(Array.from(panMatrix(-0.7, 2, 1))).toEqual([0.5, 0.5]);
  });

  it('rejects other layouts', () => {
    expect(() => panMatrix(0, 1, 6)).toThrow(RangeError);
    expect(() => panMatrix(0, 6, 2)).toThrow(RangeError);
  });
});

describe('azimuthPanGains', () => {
  it('keeps Σ g² = 1 over the full-range speakers at every 1° (and 0.25° offsets), every layout and divergence', () => {
    for (const layout of LAYOUT_NAMES) {
      for (const divergence of [0, 0.25, 0.5, 1]) {
        let worst = 0;
        let negative = 0;
        let lfe = 0;
        for (let deg = -360; deg <= 360; deg += 1) {
          for (const az of [deg, deg + 0.25]) {
            const g = azimuthPanGains(az, layout, { divergence });
            worst = Math.max(worst, Math.abs(power(g, layout) - 1));
            for (const x of g) if (!(x >= 0)) negative++;
            if (LAYOUTS[layout].lfe !== null) lfe = Math.max(lfe, Math.abs(g[LAYOUTS[layout].lfe!]!));
          }
        }
        expect(worst, `${layout} d=${divergence}`).toBeLessThan(1e-12);
        expect(negative).toBe(0);
        expect(lfe).toBe(0);
      }
    }
  });

  it('feeds only the speaker a source sits on', () => {
    for (const layout of LAYOUT_NAMES) {
      const l = LAYOUTS[layout];
      l.azimuths.forEach((az, ch) => {
        if (az === null) return;
        for (const a of [az, az + 360, az - 360]) {
          const g = azimuthPanGains(a, layout);
          const want = new Float64Array(l.channels);
          want[ch] = 1;
          expect(Array.from(g), `${layout} ${l.labels[ch]} at ${a}°`).toEqual(Array.from(want));
        }
      });
    }
  });

  it('is left/right symmetric', () => {
    for (const layout of LAYOUT_NAMES) {
      const labels = LAYOUTS[layout].labels;
      const mirror = labels.map((x) => labels.indexOf(MIRROR[x]!));
      for (let az = 0; az <= 180; az += 0.5) {
        const right = azimuthPanGains(az, layout, { divergence: 0.2 });
        const left = azimuthPanGains(-az, layout, { divergence: 0.2 });
        for (let ch = 0; ch < labels.length; ch++) expect(left[mirror[ch]!]).toBeCloseTo(right[ch]!, 13);
      }
    }
  });

  it('divergence 1 gives every full-range speaker 1/√N, whatever the azimuth', () => {
    for (const layout of LAYOUT_NAMES) {
      const idx = fullRange(layout);
      for (const az of [0, 17, -95, 180]) {
        const g = azimuthPanGains(az, layout, { divergence: 1 });
        for (const i of idx) expect(g[i]).toBe(Math.sqrt(1 / idx.length));
      }
    }
  });

  it('pans pairwise with the sin/cos law between adjacent speakers', () => {
    // 5.1 at 15°: midway between C (0°) and R (30°)
    const g = azimuthPanGains(15, '5.1');
    expect(g[2]).toBeCloseTo(Math.SQRT1_2, 15);
    expect(g[1]).toBeCloseTo(Math.SQRT1_2, 15);
    expect(g[0] + g[3] + g[4] + g[5]).toBe(0);
    // 5.1 straight behind: midway across the 140° rear gap, Ls and Rs equally
    const back = azimuthPanGains(180, '5.1');
    expect(back[4]).toBeCloseTo(Math.SQRT1_2, 15);
    expect(back[5]).toBeCloseTo(Math.SQRT1_2, 15);
    // 7.1 at 100°: between Rss (90°) and Rrs (135°), φ = 10/45·π/2
    const s = azimuthPanGains(100, '7.1');
    expect(s[7]).toBeCloseTo(Math.cos((10 / 45) * (Math.PI / 2)), 15);
    expect(s[5]).toBeCloseTo(Math.sin((10 / 45) * (Math.PI / 2)), 15);
  });

  it('moves continuously: no jump between neighbouring azimuths (wrap-around included)', () => {
    for (const layout of LAYOUT_NAMES) {
      let prev = azimuthPanGains(-180, layout);
      let jump = 0;
      for (let k = 1; k <= 36000; k++) {
        const g = azimuthPanGains(-180 + k * 0.01, layout);
        for (let i = 0; i < g.length; i++) jump = Math.max(jump, Math.abs(g[i]! - prev[i]!));
        prev = g;
      }
      // steepest law: the 30° pairs, (π/2)/30° per degree ≈ 0.0005 per 0.01°
      expect(jump, layout).toBeLessThan(0.001);
    }
  });

  it('mono is [1]', () => {
    for (const az of [0, 90, -180]) expect(Array.from(azimuthPanGains(az, 'mono', { divergence: 0.5 }))).toEqual([1]);
  });

  it('stereo: is the panMatrix mono law with p = θ/30°; beyond ±30° clamps; the rear folds to the front', () => {
    for (let az = -30; az <= 30; az += 0.5) {
      const g = azimuthPanGains(az, 'stereo');
      const m = panMatrix(az / 30, 1, 2);
      expect(g[0]).toBeCloseTo(m[0]!, 15);
      expect(g[1]).toBeCloseTo(m[1]!, 15);
    }
    expect(Array.from(azimuthPanGains(45, 'stereo'))).toEqual([0, 1]);
    expect(Array.from(azimuthPanGains(-90, 'stereo'))).toEqual([1, 0]);
    expect(Array.from(azimuthPanGains(150, 'stereo'))).toEqual([0, 1]); // 180° − 150° = 30°
    expect(Array.from(azimuthPanGains(180, 'stereo'))).toEqual(Array.from(azimuthPanGains(0, 'stereo')));
    const back = azimuthPanGains(-170, 'stereo'); // folds to −10°
    const front = azimuthPanGains(-10, 'stereo');
    expect(Array.from(back)).toEqual(Array.from(front));
    // LCR folds the same way
    expect(Array.from(azimuthPanGains(165, 'LCR'))).toEqual(Array.from(azimuthPanGains(15, 'LCR')));
  });

  it('sends lfeSend to the LFE outside the power sum; refuses it where there is no LFE', () => {
    const g = azimuthPanGains(0, '5.1', { lfeSend: 0.5 });
    expect(g[3]).toBe(0.5);
    expect(g[2]).toBe(1);
    expect(azimuthPanGains(0, '7.1', { lfeSend: 0.25 })[3]).toBe(0.25);
    expect(() => azimuthPanGains(0, 'stereo', { lfeSend: 0.5 })).toThrow(/no LFE/);
    expect(() => azimuthPanGains(0, 'stereo', { lfeSend: 0 })).not.toThrow();
  });

  it('validates its arguments', () => {
    expect(() => azimuthPanGains(Number.NaN, '5.1')).toThrow(RangeError);
    expect(() => azimuthPanGains(Infinity, '5.1')).toThrow(RangeError);
    expect(() => azimuthPanGains(0, '5.1', { divergence: 1.5 })).toThrow(/divergence/);
    expect(() => azimuthPanGains(0, '5.1', { divergence: Number.NaN })).toThrow(/divergence/);
    expect(() => azimuthPanGains(0, '5.1', { lfeSend: -1 })).toThrow(/lfeSend/);
    expect(() => azimuthPanGains(0, 'quad' as LayoutName)).toThrow(/unknown layout/);
  });

  it('azimuthPanGainsInto overwrites a caller buffer with the same gains', () => {
    const out = new Float64Array(8).fill(9);
    azimuthPanGainsInto(out, 100, '7.1', { divergence: 0.3, lfeSend: 0.1 });
    expect(Array.from(out)).toEqual(Array.from(azimuthPanGains(100, '7.1', { divergence: 0.3, lfeSend: 0.1 })));
    expect(() => azimuthPanGainsInto(new Float64Array(6), 0, '7.1')).toThrow(RangeError);
  });

  it('wraps azimuths to (−180°, 180°]', () => {
    expect(wrapAzimuth(-180)).toBe(180);
    expect(wrapAzimuth(540)).toBe(180);
    expect(wrapAzimuth(390)).toBe(30);
    expect(wrapAzimuth(-190)).toBe(170);
    expect(wrapAzimuth(0)).toBe(0);
  });
});

describe('panMatrixForLayout', () => {
  it('mono source: the column is azimuthPanGains', () => {
    for (const layout of LAYOUT_NAMES) {
      const m = panMatrixForLayout(1, layout, 40, { divergence: 0.1 });
      expect(Array.from(m)).toEqual(Array.from(azimuthPanGains(40, layout, { divergence: 0.1 })));
    }
  });

  it('stereo source at 0°: L and R land on the L and R speakers (identity in stereo)', () => {
    expect(Array.from(panMatrixForLayout(2, 'stereo', 0))).toEqual(Array.from(panMatrix(0, 2, 2)));
    const m = panMatrixForLayout(2, '5.1', 0); // out-major 6×2
    expect(Array.from(m)).toEqual([1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('stereo source: L at azimuth − spread, R at azimuth + spread', () => {
    const m = panMatrixForLayout(2, '7.1', 90, { spread: 20 });
    const l = azimuthPanGains(70, '7.1');
    const r = azimuthPanGains(110, '7.1');
    for (let o = 0; o < 8; o++) {
      expect(m[o * 2]).toBe(l[o]);
      expect(m[o * 2 + 1]).toBe(r[o]);
    }
  });

  it('sends lfeSend × the mean of the source channels', () => {
    const m = panMatrixForLayout(2, '5.1', 0, { lfeSend: 0.5 });
    expect([m[3 * 2], m[3 * 2 + 1]]).toEqual([0.25, 0.25]);
    expect(panMatrixForLayout(1, '5.1', 0, { lfeSend: 0.5 })[3]).toBe(0.5);
  });

  it('mono layout: the mean of the source channels, as panMatrix', () => {
    expect(Array.from(panMatrixForLayout(2, 'mono', 25))).toEqual(Array.from(panMatrix(0.3, 2, 1)));
    expect(Array.from(panMatrixForLayout(1, 'mono', 25))).toEqual([1]);
  });

  it('refuses other sources and bad spreads', () => {
    expect(() => panMatrixForLayout(6, '5.1', 0)).toThrow(/not panned/);
    expect(() => panMatrixForLayout(2, '5.1', 0, { spread: -1 })).toThrow(/spread/);
    expect(() => panMatrixForLayout(1, 'stereo', 0, { lfeSend: 1 })).toThrow(/no LFE/);
  });
});
