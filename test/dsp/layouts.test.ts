import { describe, expect, it } from 'vitest';
import { bs1770Weight, LAYOUT_NAMES, LAYOUTS, layoutFromMask, type LayoutName } from '../../src/renderers/dsp/layouts.ts';
import { channelMaskFor } from '../../src/io/wav-format.ts';

/** WAVE_FORMAT_EXTENSIBLE speaker bits → our label per layout family. */
const SPEAKER_BITS: [number, string][] = [
  [0x1, 'L'],
  [0x2, 'R'],
  [0x4, 'C'],
  [0x8, 'LFE'],
  [0x10, 'BL'],
  [0x20, 'BR'],
  [0x200, 'SL'],
  [0x400, 'SR'],
];

/** Labels in the order the mask's bits put the channels, with BL/BR/SL/SR named for the layout. */
function labelsFromMask(mask: number, name: LayoutName): string[] {
  const rename: Record<string, Record<string, string>> = {
    '5.1': { BL: 'Ls', BR: 'Rs', SL: 'Ls', SR: 'Rs' },
    '7.1': { BL: 'Lrs', BR: 'Rrs', SL: 'Lss', SR: 'Rss' },
  };
  return SPEAKER_BITS.filter(([bit]) => (mask & bit) !== 0).map(([, l]) => rename[name]?.[l] ?? l);
}

describe('LAYOUTS', () => {
  it('has consistent per-channel tables', () => {
    for (const name of LAYOUT_NAMES) {
      const l = LAYOUTS[name];
      expect(l.name).toBe(name);
      expect(l.labels).toHaveLength(l.channels);
      expect(l.azimuths).toHaveLength(l.channels);
      expect(l.loudnessWeights).toHaveLength(l.channels);
      if (l.lfe === null) {
        expect(l.azimuths).not.toContain(null);
      } else {
        expect(l.labels[l.lfe]).toBe('LFE');
        expect(l.azimuths[l.lfe]).toBeNull();
        expect(l.loudnessWeights[l.lfe]).toBe(0);
      }
      expect(l.acceptedMasks[0]).toBe(l.mask);
    }
  });

  it('uses WAV/SMPTE channel order and the written masks', () => {
    expect(LAYOUTS.mono).toMatchObject({ channels: 1, labels: ['C'], mask: 0x4, lfe: null });
    expect(LAYOUTS.stereo).toMatchObject({ channels: 2, labels: ['L', 'R'], mask: 0x3, lfe: null });
    expect(LAYOUTS.LCR).toMatchObject({ channels: 3, labels: ['L', 'R', 'C'], mask: 0x7, lfe: null });
    expect(LAYOUTS['5.1']).toMatchObject({ channels: 6, labels: ['L', 'R', 'C', 'LFE', 'Ls', 'Rs'], mask: 0x3f, lfe: 3 });
    expect(LAYOUTS['5.1'].acceptedMasks).toEqual([0x3f, 0x60f]);
    expect(LAYOUTS['7.1']).toMatchObject({
      channels: 8,
      labels: ['L', 'R', 'C', 'LFE', 'Lrs', 'Rrs', 'Lss', 'Rss'],
      mask: 0x63f,
      lfe: 3,
    });
  });

  it('orders channels as the bits of every accepted mask do', () => {
    for (const name of LAYOUT_NAMES) {
      for (const mask of LAYOUTS[name].acceptedMasks) {
        expect(labelsFromMask(mask, name), `${name} 0x${mask.toString(16)}`).toEqual(LAYOUTS[name].labels);
      }
    }
  });

  it('writes the same masks as the WAV writer', () => {
    for (const name of LAYOUT_NAMES) expect(LAYOUTS[name].mask).toBe(channelMaskFor(name));
  });

  it('places speakers at the ITU azimuths (positive = right)', () => {
    expect(LAYOUTS.mono.azimuths).toEqual([0]);
    expect(LAYOUTS.stereo.azimuths).toEqual([-30, 30]);
    expect(LAYOUTS.LCR.azimuths).toEqual([-30, 30, 0]);
    expect(LAYOUTS['5.1'].azimuths).toEqual([-30, 30, 0, null, -110, 110]);
    expect(LAYOUTS['7.1'].azimuths).toEqual([-30, 30, 0, null, -135, 135, -90, 90]);
  });

  it('weights channels per BS.1770-4 Table 4', () => {
    expect(LAYOUTS.mono.loudnessWeights).toEqual([1]);
    expect(LAYOUTS.stereo.loudnessWeights).toEqual([1, 1]);
    expect(LAYOUTS.LCR.loudnessWeights).toEqual([1, 1, 1]);
    expect(LAYOUTS['5.1'].loudnessWeights).toEqual([1, 1, 1, 0, 1.41, 1.41]);
    // rear surrounds at ±135° are outside 60°–120°: 1.0; sides at ±90°: 1.41
    expect(LAYOUTS['7.1'].loudnessWeights).toEqual([1, 1, 1, 0, 1, 1, 1.41, 1.41]);
  });

  it('bs1770Weight switches at 60° and 120° inclusive, either sign', () => {
    expect(bs1770Weight(59.9)).toBe(1);
    expect(bs1770Weight(60)).toBe(1.41);
    expect(bs1770Weight(-120)).toBe(1.41);
    expect(bs1770Weight(120.1)).toBe(1);
    expect(bs1770Weight(180)).toBe(1);
    expect(bs1770Weight(-250)).toBe(1.41); // ≡ 110°
  });

  it('is immutable', () => {
    expect(Object.isFrozen(LAYOUTS)).toBe(true);
    expect(Object.isFrozen(LAYOUTS['5.1'].labels)).toBe(true);
  });
});

describe('layoutFromMask', () => {
  it('reads every written and accepted mask', () => {
    for (const name of LAYOUT_NAMES) {
      for (const mask of LAYOUTS[name].acceptedMasks) expect(layoutFromMask(mask, LAYOUTS[name].channels)).toBe(name);
    }
    expect(layoutFromMask(0x60f, 6)).toBe('5.1');
    expect(layoutFromMask(0x3f, 6)).toBe('5.1');
  });

  it('reads an unassigned mask (0) by channel count', () => {
    expect(layoutFromMask(0, 1)).toBe('mono');
    expect(layoutFromMask(0, 2)).toBe('stereo');
    expect(layoutFromMask(0, 3)).toBe('LCR');
    expect(layoutFromMask(0, 6)).toBe('5.1');
    expect(layoutFromMask(0, 8)).toBe('7.1');
    expect(layoutFromMask(0, 4)).toBeNull();
  });

  it('rejects masks that do not match the channel count or are not ours', () => {
    expect(layoutFromMask(0x3f, 8)).toBeNull();
    expect(layoutFromMask(0x63f, 6)).toBeNull();
    expect(layoutFromMask(0xff, 8)).toBeNull(); // 7.1 wide (front left/right of centre)
    expect(layoutFromMask(0x1, 1)).toBeNull(); // mono as front-left
    expect(layoutFromMask(0x33, 4)).toBeNull(); // quad
    expect(layoutFromMask(-1, 2)).toBeNull();
    expect(layoutFromMask(0x1_0000_0003, 2)).toBeNull();
  });
});
