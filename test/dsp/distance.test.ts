import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DISTANCE_MODEL,
  applyDistanceGain,
  criticalDistance,
  distanceGain,
  distanceGainDb,
  propagationDelaySamples,
  propagationDelaySeconds,
  reverbSendGain,
  speedOfSound,
} from '../../src/renderers/dsp/distance.ts';

const DOUBLING_DB = 20 * Math.log10(2); // 6.0206 dB

describe('distanceGain: inverse (default)', () => {
  it('uses the Web Audio defaults', () => {
    expect(DEFAULT_DISTANCE_MODEL).toEqual({ model: 'inverse', refDistance: 1, maxDistance: 10_000, rolloff: 1 });
  });

  it('is 1 up to the reference distance', () => {
    expect(distanceGain(0)).toBe(1);
    expect(distanceGain(0.5)).toBe(1);
    expect(distanceGain(1)).toBe(1);
  });

  it('falls 6.02 dB per doubling with ref 1 m and rolloff 1 (free-field law)', () => {
    for (const d of [1, 2, 4, 8, 16, 1000]) {
      expect(distanceGainDb(2 * d) - distanceGainDb(d)).toBeCloseTo(-DOUBLING_DB, 10);
    }
    expect(distanceGain(20)).toBeCloseTo(1 / 20, 15);
  });

  it('follows g = ref / (ref + rolloff·(d − ref)) for other parameters', () => {
    // ref 2, rolloff 0.5, d 10: 2 / (2 + 0.5·8) = 1/3
    expect(distanceGain(10, { refDistance: 2, rolloff: 0.5 })).toBeCloseTo(1 / 3, 15);
  });

  it('keeps falling past maxDistance, as in Web Audio', () => {
    expect(distanceGain(20_000)).toBeCloseTo(1 / 20_000, 15);
  });
});

describe('distanceGain: linear', () => {
  const m = { model: 'linear', refDistance: 1, maxDistance: 11, rolloff: 1 } as const;
  it('goes from 1 at ref to 1 − rolloff at max, clamped outside', () => {
    expect(distanceGain(0.2, m)).toBe(1);
    expect(distanceGain(6, m)).toBeCloseTo(0.5, 15);
    expect(distanceGain(11, m)).toBe(0);
    expect(distanceGain(50, m)).toBe(0);
    expect(distanceGain(11, { ...m, rolloff: 0.25 })).toBeCloseTo(0.75, 15);
  });
  it('rejects a rolloff above 1 and max ≤ ref', () => {
    expect(() => distanceGain(2, { ...m, rolloff: 1.5 })).toThrow(RangeError);
    expect(() => distanceGain(2, { ...m, maxDistance: 1 })).toThrow(RangeError);
  });
});

describe('distanceGain: exponential', () => {
  it('is (d/ref)^−rolloff', () => {
    expect(distanceGain(4, { model: 'exponential', rolloff: 2 })).toBeCloseTo(1 / 16, 15);
    expect(distanceGain(0.5, { model: 'exponential', rolloff: 2 })).toBe(1);
    expect(distanceGain(30, { model: 'exponential', refDistance: 3, rolloff: 1.5 })).toBeCloseTo(Math.pow(10, -1.5), 15);
  });
});

describe('distanceGain: invalid input', () => {
  it('throws instead of guessing', () => {
    expect(() => distanceGain(-1)).toThrow(RangeError);
    expect(() => distanceGain(NaN)).toThrow(RangeError);
    expect(() => distanceGain(Infinity)).toThrow(RangeError);
    expect(() => distanceGain(2, { refDistance: 0 })).toThrow(RangeError);
    expect(() => distanceGain(2, { rolloff: -1 })).toThrow(RangeError);
    expect(() => distanceGain(2, { model: 'cubic' as never })).toThrow(RangeError);
  });
});

describe('applyDistanceGain', () => {
  it('applies the law per sample, or one value for the block', () => {
    const input = Float32Array.from([1, 1, 1, 1, 0.5]);
    const d = Float64Array.from([0.5, 1, 2, 4, 8]);
    const out = new Float32Array(5);
    applyDistanceGain(input, out, d, 5);
    expect(Array.from(out)).toEqual([1, 1, 0.5, 0.25, 0.0625]);
    applyDistanceGain(input, out, 2, 5);
    expect(Array.from(out)).toEqual([0.5, 0.5, 0.5, 0.5, 0.25]);
  });
  it('rejects a distance array shorter than the block', () => {
    expect(() => applyDistanceGain(new Float32Array(4), new Float32Array(4), new Float64Array(3), 4)).toThrow(RangeError);
  });
});

describe('reverbSendGain', () => {
  const dc = 8;
  it('rises 6.02 dB per doubling relative to the direct sound, reaching 0 dB at the critical distance', () => {
    const db = (d: number) => 20 * Math.log10(reverbSendGain(d, { criticalDistance: dc }));
    expect(db(1)).toBeCloseTo(-3 * DOUBLING_DB, 10); // −18.06 dB
    expect(db(2)).toBeCloseTo(-2 * DOUBLING_DB, 10);
    expect(db(4)).toBeCloseTo(-DOUBLING_DB, 10);
    expect(db(8)).toBeCloseTo(0, 12);
  });
  it('holds at 0 dB past the critical distance by default, or keeps rising with beyondCritical: rise', () => {
    expect(reverbSendGain(32, { criticalDistance: dc })).toBe(1);
    expect(reverbSendGain(32, { criticalDistance: dc, beyondCritical: 'rise' })).toBeCloseTo(4, 15);
  });
  it('treats distances below refDistance as refDistance', () => {
    expect(reverbSendGain(0.1, { criticalDistance: dc })).toBe(reverbSendGain(1, { criticalDistance: dc }));
    expect(reverbSendGain(0.1, { criticalDistance: dc, refDistance: 0.5 })).toBeCloseTo(0.5 / 8, 15);
  });
  it('rejects a non-positive critical distance', () => {
    expect(() => reverbSendGain(1, { criticalDistance: 0 })).toThrow(RangeError);
  });
});

describe('criticalDistance', () => {
  it('is √(Q·A/16π) with Sabine A = 0.161·V/RT60 (≈ 0.057·√(QV/RT60))', () => {
    // 1000 m³, 1 s: A = 161 m², d_c = √(161/(16π)) = 1.7897 m
    expect(criticalDistance({ volume: 1000, rt60: 1 })).toBeCloseTo(Math.sqrt(161 / (16 * Math.PI)), 12);
    expect(criticalDistance({ volume: 1000, rt60: 1 })).toBeCloseTo(0.057 * Math.sqrt(1000), 1);
    // a directivity of 4 doubles it
    expect(criticalDistance({ volume: 1000, rt60: 1, directivity: 4 })).toBeCloseTo(2 * criticalDistance({ volume: 1000, rt60: 1 }), 12);
  });
});

describe('propagation delay', () => {
  it('uses c = 331.3·√(1 + T/273.15)', () => {
    expect(speedOfSound(0)).toBe(331.3);
    expect(speedOfSound()).toBeCloseTo(331.3 * Math.sqrt(1 + 20 / 273.15), 12);
    expect(speedOfSound(20)).toBeCloseTo(343.21, 2);
  });
  it('is d/c in seconds and in samples', () => {
    const c = speedOfSound(20);
    expect(propagationDelaySeconds(c)).toBeCloseTo(1, 14);
    expect(propagationDelaySamples(10, 48000)).toBeCloseTo((10 / c) * 48000, 10);
    expect(propagationDelaySamples(10, 48000, 0)).toBeCloseTo((10 / 331.3) * 48000, 10);
  });
  it('rejects impossible temperatures and rates', () => {
    expect(() => speedOfSound(-300)).toThrow(RangeError);
    expect(() => propagationDelaySamples(1, 0)).toThrow(RangeError);
  });
});
